//! What Playnet's runtime charges for the SDK's pallets it benchmarks itself and for the base
//! of every block and extrinsic, measured on this project's machine with the node's benchmark
//! commands (`scripts/benchmark-weights.sh`; Playnet's own pallets keep theirs in
//! `pallets/<name>/src/weights.rs`). The other SDK pallets (session, treasury, sudo, BABE,
//! GRANDPA, transaction payment) still charge upstream's reference-machine weights.

pub mod block_weights;
pub mod extrinsic_weights;
pub mod frame_system;
pub mod pallet_balances;
pub mod pallet_timestamp;

pub use block_weights::BlockExecutionWeight;
pub use extrinsic_weights::ExtrinsicBaseWeight;
