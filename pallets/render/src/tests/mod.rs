mod assign;
mod commit_reveal;
mod deadlines;
mod escrow;
mod farming;
mod fraud;
mod measure;
pub(crate) mod mock;
mod post;
