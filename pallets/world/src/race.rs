//! Same-block races: which of a chunk's queued submissions win their blocks.
//!
//! The rule, applied to the submissions still standing at the end of a block: two
//! submissions from different accounts *contend* when they edit at least one common block.
//! A submission wins when its client timestamp is strictly earlier than that of every
//! submission it contends with. So of two contenders the later one bounces, an exact tie
//! bounces both, and a later edit never overwrites an earlier one. Submissions of one account
//! never contend with each other: they apply in the order they were included.
//!
//! The rule is decided per block without comparing submissions pairwise: for every edited
//! block it keeps the earliest timestamp, its account, and the earliest timestamp of any
//! other account. That is O(edits x log(blocks)) for the whole chunk.

use crate::types::{edit_index, BounceReason};
use alloc::{collections::BTreeMap, vec::Vec};
use playnet_primitives::BlockEdit;

/// One submission in a race: who made it, when the client says, and what it edits.
pub struct Contender<'a, AccountId> {
	/// The submitter.
	pub who: &'a AccountId,
	/// The client timestamp, in milliseconds.
	pub client_timestamp: u64,
	/// The edits.
	pub edits: &'a [BlockEdit],
}

/// The earliest edits of one block.
struct Earliest<'a, AccountId> {
	/// The earliest timestamp of all, and whose it is.
	first: (u64, &'a AccountId),
	/// The earliest timestamp of any account but `first`'s.
	other: Option<u64>,
}

impl<'a, AccountId: Ord> Earliest<'a, AccountId> {
	fn add(&mut self, timestamp: u64, who: &'a AccountId) {
		let (first_timestamp, first_who) = self.first;
		if who == first_who {
			self.first.0 = first_timestamp.min(timestamp);
		} else if timestamp < first_timestamp {
			// The old first is the earliest of every account but the new one.
			self.other = Some(first_timestamp);
			self.first = (timestamp, who);
		} else {
			self.other = Some(self.other.map_or(timestamp, |other| other.min(timestamp)));
		}
	}

	/// The earliest timestamp of any account other than `who`.
	fn earliest_other_than(&self, who: &AccountId) -> Option<u64> {
		if self.first.1 == who {
			self.other
		} else {
			Some(self.first.0)
		}
	}
}

/// Decides a race: for each contender, in order, `None` when it wins, or why it bounces
/// ([`BounceReason::EarlierEditWon`] when some contender is strictly earlier,
/// [`BounceReason::Tie`] when the earliest contender has the same timestamp).
pub fn resolve<AccountId: Ord>(
	contenders: &[Contender<'_, AccountId>],
) -> Vec<Option<BounceReason>> {
	let mut blocks: BTreeMap<u16, Earliest<'_, AccountId>> = BTreeMap::new();
	for contender in contenders {
		for edit in contender.edits {
			blocks
				.entry(edit_index(edit))
				.and_modify(|earliest| earliest.add(contender.client_timestamp, contender.who))
				.or_insert(Earliest {
					first: (contender.client_timestamp, contender.who),
					other: None,
				});
		}
	}
	contenders
		.iter()
		.map(|contender| {
			let mut outcome = None;
			for edit in contender.edits {
				let rival = blocks
					.get(&edit_index(edit))
					.and_then(|earliest| earliest.earliest_other_than(contender.who));
				match rival {
					Some(rival) if rival < contender.client_timestamp => {
						return Some(BounceReason::EarlierEditWon)
					}
					Some(rival) if rival == contender.client_timestamp => {
						outcome = Some(BounceReason::Tie)
					}
					_ => {}
				}
			}
			outcome
		})
		.collect()
}

#[cfg(test)]
mod tests {
	use super::*;

	fn edit(x: u8) -> BlockEdit {
		BlockEdit { x, y: 0, z: 0, block: 1 }
	}

	fn race(entries: &[(u64, u64, &[u8])]) -> Vec<Option<BounceReason>> {
		let edits: Vec<Vec<BlockEdit>> =
			entries.iter().map(|(_, _, xs)| xs.iter().map(|&x| edit(x)).collect()).collect();
		let contenders: Vec<Contender<'_, u64>> = entries
			.iter()
			.zip(&edits)
			.map(|((who, timestamp, _), edits)| Contender {
				who,
				client_timestamp: *timestamp,
				edits,
			})
			.collect();
		resolve(&contenders)
	}

	#[test]
	fn disjoint_blocks_all_win() {
		assert_eq!(race(&[(1, 10, &[0]), (2, 5, &[1])]), [None, None]);
	}

	#[test]
	fn earlier_timestamp_wins_in_either_order() {
		use BounceReason::EarlierEditWon as Lost;
		assert_eq!(race(&[(1, 10, &[0]), (2, 5, &[0])]), [Some(Lost), None]);
		assert_eq!(race(&[(2, 5, &[0]), (1, 10, &[0])]), [None, Some(Lost)]);
	}

	#[test]
	fn exact_tie_bounces_both() {
		let tie = Some(BounceReason::Tie);
		assert_eq!(race(&[(1, 7, &[0, 3]), (2, 7, &[3])]), [tie, tie]);
	}

	#[test]
	fn one_account_never_races_itself() {
		assert_eq!(race(&[(1, 10, &[0]), (1, 5, &[0]), (1, 10, &[0])]), [None, None, None]);
	}

	#[test]
	fn a_loss_on_any_block_bounces_the_whole_submission() {
		use BounceReason::EarlierEditWon as Lost;
		// Account 1 is earliest on block 0 but later than account 3 on block 2.
		assert_eq!(
			race(&[(1, 5, &[0, 2]), (2, 9, &[0]), (3, 1, &[2])]),
			[Some(Lost), Some(Lost), None]
		);
	}

	#[test]
	fn later_rival_of_a_tie_loses() {
		use BounceReason::{EarlierEditWon as Lost, Tie};
		assert_eq!(
			race(&[(1, 4, &[0]), (2, 4, &[0]), (3, 9, &[0])]),
			[Some(Tie), Some(Tie), Some(Lost)]
		);
	}

	#[test]
	fn earliest_of_other_accounts_is_tracked_when_the_first_changes_hands() {
		use BounceReason::EarlierEditWon as Lost;
		// Account 1 at 5 and at 8, account 2 at 6, account 3 at 3: only account 3 wins.
		assert_eq!(
			race(&[(1, 5, &[0]), (2, 6, &[0]), (1, 8, &[0]), (3, 3, &[0])]),
			[Some(Lost), Some(Lost), Some(Lost), None]
		);
	}
}
