//! The offchain worker's behaviour, one concern per file, over the mock runtime in `mock.rs`.

mod answer;
mod audit;
mod mock;
mod switchable_offchain;
mod transactions;
mod work;
