//! What the worker tells its operator: one [`WorkEvent`] per thing that happened, each
//! displayed as one line.

use super::chain::{Balance, TaskIndex};
use playnet_primitives::Hash32;
use std::fmt;

/// PGT amounts as the operator reads and writes them (shared with the game client).
pub use playnet_chain_access::accounts::{format_pgt, parse_pgt, PLANCKS_PER_PGT};

/// How a task ended for this worker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TaskEnd {
	/// Settled; this worker was paid.
	Paid,
	/// Settled without paying this worker (it was not a signer).
	Settled,
	/// The fee went back to the poster (no majority, no replacement, fraud).
	Refunded(String),
}

/// Something the worker did or saw.
#[derive(Clone, Debug, PartialEq)]
pub enum WorkEvent {
	/// The worker is connected and following blocks.
	Started {
		/// The account, SS58.
		account: String,
		/// The renderer, in words.
		renderer: String,
		/// Where task records are kept.
		state_dir: String,
		/// The first followed block.
		block: u64,
		/// Free balance.
		balance: Balance,
	},
	/// The account had bonded enough already.
	BondKept {
		/// The active bond.
		bonded: Balance,
	},
	/// The worker bonded more.
	Bonded {
		/// Added to the bond.
		amount: Balance,
		/// The active bond now.
		bonded: Balance,
		/// The block that included it.
		block: u64,
	},
	/// A task to render.
	Assigned {
		/// The task.
		task: TaskIndex,
		/// Its work units (64x64 tiles over all frames).
		work_units: u64,
		/// The last block to commit in.
		deadline: u32,
	},
	/// A task rendered.
	Rendered {
		/// The task.
		task: TaskIndex,
		/// Its result root.
		root: Hash32,
		/// Frames rendered.
		frames: u32,
		/// Seconds it took (scene included).
		seconds: f64,
	},
	/// The worker's commitment is on chain.
	Committed {
		/// The task.
		task: TaskIndex,
		/// The block that included it.
		block: u64,
	},
	/// The worker's root is revealed on chain.
	Revealed {
		/// The task.
		task: TaskIndex,
		/// The block that included it.
		block: u64,
	},
	/// A majority agreed on a root.
	Accepted {
		/// The task.
		task: TaskIndex,
		/// Whether the accepted root is this worker's.
		agreed: bool,
		/// The last block of the fraud window; settlement follows.
		settle_after: u64,
	},
	/// This worker was paid for a task.
	Rewarded {
		/// The task.
		task: TaskIndex,
		/// Its share of the poster's fee.
		fee_share: Balance,
		/// New PGT minted to it.
		minted: Balance,
		/// Everything earned from tasks so far (`RenderApi::rewards_earned`).
		earned: Balance,
		/// Free balance after the payment.
		balance: Balance,
	},
	/// This worker was slashed.
	Slashed {
		/// The task.
		task: TaskIndex,
		/// How much.
		amount: Balance,
		/// `missed a deadline` or `revealed a rejected root`.
		why: &'static str,
	},
	/// A frame of a result this worker worked on was challenged.
	Challenged {
		/// The task.
		task: TaskIndex,
		/// The frame.
		frame: u32,
		/// The last block a signer may answer in.
		deadline: u64,
	},
	/// This worker's answer to a challenge is on chain.
	Answered {
		/// The task.
		task: TaskIndex,
		/// The frame.
		frame: u32,
		/// The block that included it.
		block: u64,
	},
	/// Another signer answered a challenge first.
	AnsweredByAnother {
		/// The task.
		task: TaskIndex,
		/// The frame.
		frame: u32,
	},
	/// A challenge of a result this worker worked on went unanswered: its signers were
	/// slashed as frauds.
	ChallengeUnanswered {
		/// The task.
		task: TaskIndex,
		/// Slashed from the signers, in total.
		slashed: Balance,
	},
	/// This worker challenged a frame of a result it was outvoted on.
	Disputed {
		/// The task.
		task: TaskIndex,
		/// The frame.
		frame: u32,
		/// The block that included the challenge.
		block: u64,
	},
	/// This worker reported a published tile that differs from its own render.
	FraudReported {
		/// The task.
		task: TaskIndex,
		/// The frame.
		frame: u32,
		/// The tile.
		tile: u32,
		/// The block that included the report.
		block: u64,
	},
	/// A task this worker had worked on ended.
	Ended {
		/// The task.
		task: TaskIndex,
		/// How.
		end: TaskEnd,
	},
	/// The worker gave up on a task.
	Failed {
		/// The task.
		task: TaskIndex,
		/// Why, one line.
		error: String,
	},
}

impl fmt::Display for WorkEvent {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			WorkEvent::Started { account, renderer, state_dir, block, balance } => write!(
				f,
				"working as {account} from block {block}: balance {}, rendering with {renderer}, state in {state_dir}",
				format_pgt(*balance)
			),
			WorkEvent::BondKept { bonded } => {
				write!(f, "bond: {} already bonded, nothing to add", format_pgt(*bonded))
			}
			WorkEvent::Bonded { amount, bonded, block } => write!(
				f,
				"bond: bonded {} in block {block}, {} bonded now",
				format_pgt(*amount),
				format_pgt(*bonded)
			),
			WorkEvent::Assigned { task, work_units, deadline } => write!(
				f,
				"task {task}: assigned, {work_units} work units, commit by block {deadline}"
			),
			WorkEvent::Rendered { task, root, frames, seconds } => {
				write!(f, "task {task}: rendered {frames} frames in {seconds:.2} s, root {root}")
			}
			WorkEvent::Committed { task, block } => {
				write!(f, "task {task}: committed in block {block}")
			}
			WorkEvent::Revealed { task, block } => write!(f, "task {task}: revealed in block {block}"),
			WorkEvent::Accepted { task, agreed: true, settle_after } => write!(
				f,
				"task {task}: accepted with this worker's root; paid after block {settle_after}"
			),
			WorkEvent::Accepted { task, agreed: false, .. } => {
				write!(f, "task {task}: accepted with another root than this worker's")
			}
			WorkEvent::Rewarded { task, fee_share, minted, earned, balance } => write!(
				f,
				"task {task}: earned {} ({} fee share + {} minted); earned in all {}, balance {}",
				format_pgt(fee_share.saturating_add(*minted)),
				format_pgt(*fee_share),
				format_pgt(*minted),
				format_pgt(*earned),
				format_pgt(*balance)
			),
			WorkEvent::Slashed { task, amount, why } => {
				write!(f, "task {task}: slashed {} ({why})", format_pgt(*amount))
			}
			WorkEvent::Challenged { task, frame, deadline } => write!(
				f,
				"task {task}: frame {frame} challenged; a signer answers by block {deadline}"
			),
			WorkEvent::Answered { task, frame, block } => write!(
				f,
				"task {task}: answered the challenge of frame {frame} in block {block}"
			),
			WorkEvent::AnsweredByAnother { task, frame } => {
				write!(f, "task {task}: frame {frame}'s challenge was answered by another signer")
			}
			WorkEvent::ChallengeUnanswered { task, slashed } => write!(
				f,
				"task {task}: a challenge went unanswered; its signers were slashed {} in all",
				format_pgt(*slashed)
			),
			WorkEvent::Disputed { task, frame, block } => write!(
				f,
				"task {task}: challenged frame {frame} of the result that outvoted this worker, in block {block}"
			),
			WorkEvent::FraudReported { task, frame, tile, block } => write!(
				f,
				"task {task}: reported frame {frame} tile {tile} as fraud in block {block}: the published tile is not the one rendered here"
			),
			WorkEvent::Ended { task, end: TaskEnd::Paid } => write!(f, "task {task}: settled"),
			WorkEvent::Ended { task, end: TaskEnd::Settled } => {
				write!(f, "task {task}: settled without paying this worker")
			}
			WorkEvent::Ended { task, end: TaskEnd::Refunded(reason) } => {
				write!(f, "task {task}: refunded to its poster ({reason})")
			}
			WorkEvent::Failed { task, error } => write!(f, "task {task}: gave up: {error}"),
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn whole_pgt_print_without_decimals() {
		assert_eq!(format_pgt(1000 * PLANCKS_PER_PGT), "1000 PGT");
		assert_eq!(format_pgt(0), "0 PGT");
	}

	#[test]
	fn fractions_print_without_trailing_zeros() {
		assert_eq!(format_pgt(3 * PLANCKS_PER_PGT + PLANCKS_PER_PGT / 10_000), "3.0001 PGT");
		assert_eq!(format_pgt(1), "0.000000000001 PGT");
	}

	#[test]
	fn amounts_parse_in_pgt() {
		assert_eq!(parse_pgt("1000"), Some(1000 * PLANCKS_PER_PGT));
		assert_eq!(parse_pgt("0.5"), Some(PLANCKS_PER_PGT / 2));
		assert_eq!(parse_pgt(".25"), Some(PLANCKS_PER_PGT / 4));
		assert_eq!(parse_pgt("1.000000000001"), Some(PLANCKS_PER_PGT + 1));
	}

	#[test]
	fn malformed_amounts_are_refused() {
		for text in ["", ".", "abc", "1.2.3", "-5", "1.0000000000001", "1e3"] {
			assert_eq!(parse_pgt(text), None, "{text:?}");
		}
	}
}
