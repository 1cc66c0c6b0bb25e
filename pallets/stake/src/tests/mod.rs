mod bonding;
mod genesis;
pub(crate) mod mock;
mod reputation;
mod session;
mod slashing;
mod unbonding;
