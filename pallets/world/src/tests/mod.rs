mod claims;
mod conflicts;
mod edits;
mod measure;
pub(crate) mod mock;
mod races;
mod reads;
mod replace;
mod rules;
