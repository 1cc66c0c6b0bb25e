mod distribution;
mod mock;
mod split;
