//! Same-block races: which of a chunk's queued submissions win their blocks.
//!
//! The rule, applied in inclusion order to the submissions still standing at the end of a
//! block: a submission wins unless a winning submission of another account, included earlier
//! in the same block, edits one of the same blocks; then it bounces
//! ([`BounceReason::EarlierEditWon`]) and none of its edits apply. Submissions of one account
//! never contend with each other: they apply in the order they were included. So a later
//! edit never overwrites an earlier one, inside a block as across blocks (where an edit to a
//! block changed since its base version is a conflict).
//!
//! Why inclusion order and not the client's timestamp: nothing can check a client's clock.
//! Under "the earlier client timestamp wins", a player who stamps every edit as early as the
//! chain accepts ([`Config::MaxClockSkew`](crate::Config::MaxClockSkew), 30 s in Playnet's
//! runtime) wins every race of every block against players who stamp the truth, and a
//! griefer who copies a victim's timestamp from the transaction pool bounces the victim's
//! edit with a tie. No bound helps: a bound tighter than the time a transaction takes to be
//! included refuses honest edits, and any looser bound is a free head start for the liar.
//! Inclusion order is decided by the network and the block author, not by the submitter: a
//! copy of a victim's edit reaches the pool after the victim's and loses. What a submitter can
//! still do is pay a higher tip for an earlier place in the block, which costs PGT and goes
//! to the author and the burn; a block author who reorders its own blocks is a validator
//! misbehaving within one block, bounded like any censorship by the honest majority of
//! authors. The client timestamp is kept, within the skew bound, as the time the player
//! reports for the edit.
//!
//! The rule needs no pairwise comparison: a map from each edited block to the account whose
//! winning submission wrote it makes the whole chunk O(edits x log(blocks)).

use crate::types::{edit_index, BounceReason};
use alloc::{collections::BTreeMap, vec::Vec};
use playnet_primitives::BlockEdit;

/// One submission in a race: who made it and what it edits. Contenders are given in
/// inclusion order.
pub struct Contender<'a, AccountId> {
	/// The submitter.
	pub who: &'a AccountId,
	/// The edits.
	pub edits: &'a [BlockEdit],
}

/// Decides a race among `contenders`, given in inclusion order: for each, `None` when it wins,
/// or [`BounceReason::EarlierEditWon`] when a winner of another account, included earlier,
/// edits one of the same blocks.
pub fn resolve<AccountId: Ord>(
	contenders: &[Contender<'_, AccountId>],
) -> Vec<Option<BounceReason>> {
	let mut written: BTreeMap<u16, &AccountId> = BTreeMap::new();
	contenders
		.iter()
		.map(|contender| {
			let taken = contender.edits.iter().any(|edit| {
				written.get(&edit_index(edit)).is_some_and(|writer| *writer != contender.who)
			});
			if taken {
				return Some(BounceReason::EarlierEditWon);
			}
			for edit in contender.edits {
				written.insert(edit_index(edit), contender.who);
			}
			None
		})
		.collect()
}

#[cfg(test)]
mod tests {
	use super::*;
	use BounceReason::EarlierEditWon as Lost;

	fn edit(x: u8) -> BlockEdit {
		BlockEdit { x, y: 0, z: 0, block: 1 }
	}

	/// Decides a race of `(account, edited x coordinates)` in inclusion order.
	fn race(entries: &[(u64, &[u8])]) -> Vec<Option<BounceReason>> {
		let edits: Vec<Vec<BlockEdit>> =
			entries.iter().map(|(_, xs)| xs.iter().map(|&x| edit(x)).collect()).collect();
		let contenders: Vec<Contender<'_, u64>> =
			entries.iter().zip(&edits).map(|((who, _), edits)| Contender { who, edits }).collect();
		resolve(&contenders)
	}

	#[test]
	fn disjoint_blocks_all_win() {
		assert_eq!(race(&[(1, &[0]), (2, &[1])]), [None, None]);
	}

	#[test]
	fn the_earlier_included_edit_wins() {
		assert_eq!(race(&[(1, &[0]), (2, &[0])]), [None, Some(Lost)]);
		assert_eq!(race(&[(2, &[0]), (1, &[0])]), [None, Some(Lost)]);
	}

	#[test]
	fn one_account_never_races_itself() {
		assert_eq!(race(&[(1, &[0]), (1, &[0]), (1, &[0, 1])]), [None, None, None]);
	}

	#[test]
	fn a_loss_on_any_block_bounces_the_whole_submission() {
		// Account 2 would be first on block 5, but account 1 was first on block 0.
		assert_eq!(race(&[(1, &[0]), (2, &[5, 0]), (3, &[5])]), [None, Some(Lost), None]);
	}

	#[test]
	fn a_bounced_submission_blocks_nobody() {
		// Account 2 loses block 0 to account 1, so its edit of block 1 never happens and
		// account 3 is the first to write block 1.
		assert_eq!(race(&[(1, &[0]), (2, &[0, 1]), (3, &[1])]), [None, Some(Lost), None]);
	}

	#[test]
	fn a_winner_keeps_its_blocks_against_everyone_after_it() {
		assert_eq!(
			race(&[(1, &[0]), (2, &[0]), (3, &[0]), (1, &[0])]),
			[None, Some(Lost), Some(Lost), None]
		);
	}
}
