//! The runtime API of Playnet's render tasks: what offchain workers, light clients and
//! `state_call` read without a custom RPC.
//!
//! - `RenderApi_tasks_assigned_to`: the tasks an account must commit or reveal for;
//! - `RenderApi_task`: an open task's state (phase, deadline, workers, accepted root,
//!   challenges of its result);
//! - `RenderApi_task_spec`: an open task's spec, to hand to the render worker;
//! - `RenderApi_rewards_earned`: fee shares plus minted PGT an account earned.
//!
//! The runtime implements it with `pallet_render::Pallet`'s `tasks_assigned_to`,
//! `task_view`, `task_spec` and `rewards_earned`.

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

pub use pallet_render::{ChallengeView, TaskIndex, TaskPhase, TaskView, WorkerSlot};
pub use playnet_primitives::RenderSpec;

use alloc::vec::Vec;
use codec::Codec;

polkadot_sdk::sp_api::decl_runtime_apis! {
	/// Reads render tasks.
	pub trait RenderApi<AccountId, Balance, BlockNumber>
	where
		AccountId: Codec,
		Balance: Codec,
		BlockNumber: Codec,
	{
		/// The tasks `who` is assigned to and must still commit or reveal for, ascending.
		fn tasks_assigned_to(who: AccountId) -> Vec<TaskIndex>;

		/// An open task's state, its challenges included; `None` once it ended (settled or
		/// refunded).
		fn task(task: TaskIndex) -> Option<TaskView<AccountId, Balance, BlockNumber>>;

		/// An open task's spec, as posted.
		fn task_spec(task: TaskIndex) -> Option<RenderSpec>;

		/// Everything `who` has earned from settled tasks: fee shares plus minted PGT.
		fn rewards_earned(who: AccountId) -> Balance;
	}
}
