mod assign;
mod commit_reveal;
mod deadlines;
mod escrow;
mod fraud;
pub(crate) mod mock;
mod post;
