mod bonding;
mod genesis;
mod liveness;
pub(crate) mod mock;
mod reputation;
mod session;
mod slashing;
mod slots;
mod unbonding;
