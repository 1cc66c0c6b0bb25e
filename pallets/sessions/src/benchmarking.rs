//! Benchmarks of the session calls and of the start-of-block work, each in its worst case: a
//! receipt that replaces one, a deadline that pays two contributors, and a dispute whose tile
//! is the costliest to re-render (every ray runs to the kernel's step cap through water and air
//! in the widest scene, from chunks with the longest encodings).

use crate::{pallet::*, types::*};
use alloc::{boxed::Box, vec, vec::Vec};
use playnet_primitives::{
	demo::worst_case::{costliest_tile_spec, see_through_chunk},
	proof::{
		merkle::{merkle_proof, merkle_root},
		tile::{frame_hash, tile_count},
	},
	session::{frame_id, frame_statement},
	world::encoding::encode_chunk,
	Hash32, TileProof, KERNEL_VERSION,
};
use polkadot_sdk::{
	frame_benchmarking::v2::*,
	frame_support::{
		traits::{
			fungible::{Inspect, Mutate},
			Get, Hooks,
		},
		BoundedVec,
	},
	frame_system::{self, RawOrigin},
	sp_runtime::traits::{One, Saturating, Zero},
};

/// The resources of every benchmark offer: the largest frame and rate.
fn resources() -> Resources {
	Resources { kernel_version: KERNEL_VERSION, max_width: 3840, max_height: 2160, max_fps: 240 }
}

/// A package of `width` x `height` for one minute on this chain.
fn package<T: Config>(width: u32, height: u32) -> SessionPackage {
	let world: [u8; 32] = Pallet::<T>::genesis_hash().try_into().unwrap_or_default();
	SessionPackage {
		world: Hash32(world),
		width,
		height,
		fps: 60,
		max_minutes: 1,
		max_latency_ms: 100,
	}
}

/// A funded, bonded contributor (a signer) with an offer at the lowest price.
fn contributor<T: Config>(index: u32) -> T::AccountId {
	let who = T::BenchmarkHelper::signer(index);
	T::Currency::set_balance(&who, T::Currency::minimum_balance().saturating_mul(1_000u32.into()));
	T::BenchmarkHelper::register_contributor(&who);
	Pallet::<T>::publish_offer(
		RawOrigin::Signed(who.clone()).into(),
		Hash32::of(b"benchmark machine"),
		resources(),
		T::MinPricePerMinute::get(),
	)
	.expect("a bonded contributor with a valid offer");
	who
}

/// A funded player (a signer).
fn player<T: Config>() -> T::AccountId {
	let who = T::BenchmarkHelper::signer(0);
	let funds = T::MinPricePerMinute::get()
		.saturating_mul(10_000u32.into())
		.saturating_add(T::Currency::minimum_balance().saturating_mul(1_000u32.into()));
	T::Currency::set_balance(&who, funds);
	who
}

/// A session of `package` between a player and contributor 1 with contributor 2 as backup,
/// accepted when `accept`; returns (id, player, contributor, backup).
fn session<T: Config>(
	package: SessionPackage,
	accept: bool,
) -> (SessionId, T::AccountId, T::AccountId, T::AccountId) {
	let player = player::<T>();
	let first = contributor::<T>(1);
	let backup = contributor::<T>(2);
	let id = NextSessionId::<T>::get();
	Pallet::<T>::open_session(
		RawOrigin::Signed(player.clone()).into(),
		first.clone(),
		Some(backup.clone()),
		package,
		T::MinPricePerMinute::get(),
	)
	.expect("funded, with two offers");
	if accept {
		Pallet::<T>::accept_session(RawOrigin::Signed(first.clone()).into(), id)
			.expect("the contributor asked");
	}
	(id, player, first, backup)
}

/// The player's signed receipt for `contributor` of `served_ms` over one frame `root`.
fn signed_receipt<T: Config>(
	id: SessionId,
	player: &T::AccountId,
	contributor: &T::AccountId,
	served_ms: u64,
	root: Hash32,
) -> (Receipt<T::AccountId>, T::Signature) {
	let receipt = Receipt {
		session: id,
		contributor: contributor.clone(),
		served_ms,
		frames: 1,
		frame_root: root,
		latency_ms: 10,
	};
	let signature =
		T::BenchmarkHelper::sign(player, &receipt.signing_payload(&Pallet::<T>::genesis_hash()));
	(receipt, signature)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn publish_offer() {
		let who = T::BenchmarkHelper::signer(1);
		T::BenchmarkHelper::register_contributor(&who);

		#[extrinsic_call]
		_(
			RawOrigin::Signed(who.clone()),
			Hash32::default(),
			resources(),
			T::MinPricePerMinute::get(),
		);

		assert!(Offers::<T>::contains_key(&who));
	}

	#[benchmark]
	fn withdraw_offer() {
		let who = contributor::<T>(1);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));

		assert!(!Offers::<T>::contains_key(&who));
	}

	#[benchmark]
	fn open_session() {
		let player = player::<T>();
		let first = contributor::<T>(1);
		let backup = contributor::<T>(2);

		#[extrinsic_call]
		_(
			RawOrigin::Signed(player),
			first,
			Some(backup),
			package::<T>(1280, 720),
			T::MinPricePerMinute::get(),
		);

		assert!(Sessions::<T>::contains_key(0));
	}

	#[benchmark]
	fn accept_session() {
		let (id, _, first, _) = session::<T>(package::<T>(1280, 720), false);

		#[extrinsic_call]
		_(RawOrigin::Signed(first), id);

		assert_eq!(Sessions::<T>::get(id).map(|s| s.phase), Some(SessionPhase::Active));
	}

	#[benchmark]
	fn settle_receipt() {
		let (id, player, first, _) = session::<T>(package::<T>(1280, 720), true);
		let (older, signature) = signed_receipt::<T>(id, &player, &first, 1_000, Hash32::default());
		Pallet::<T>::settle_receipt(RawOrigin::Signed(first.clone()).into(), id, older, signature)
			.expect("a signed receipt");
		let (newer, signature) = signed_receipt::<T>(id, &player, &first, 2_000, Hash32::default());

		#[extrinsic_call]
		_(RawOrigin::Signed(first), id, newer.clone(), signature);

		let settled = Sessions::<T>::get(id).and_then(|s| s.parts[0].receipt.clone());
		assert_eq!(settled.map(|(receipt, _)| receipt), Some(newer));
	}

	#[benchmark]
	fn switch_to_backup() {
		let (id, player, _, _) = session::<T>(package::<T>(1280, 720), true);

		#[extrinsic_call]
		_(RawOrigin::Signed(player), id);

		assert_eq!(Sessions::<T>::get(id).map(|s| s.parts.len()), Some(2));
	}

	#[benchmark]
	fn end_session() {
		let (id, player, _, _) = session::<T>(package::<T>(1280, 720), true);

		#[extrinsic_call]
		_(RawOrigin::Signed(player), id);

		assert_eq!(Sessions::<T>::get(id).map(|s| s.phase), Some(SessionPhase::Closing));
	}

	#[benchmark]
	fn dispute_frame(c: Linear<2, { T::MaxSceneChunks::get() }>) {
		let content = encode_chunk(&see_through_chunk());
		let (view, chunks) = costliest_tile_spec(c, &content);
		let (id, player, first, _) = session::<T>(package::<T>(view.width, view.height), true);
		// The contributor signed a frame whose tile hashes are made up; the player receipted it.
		let tiles = vec![Hash32::default(); tile_count(view.width, view.height) as usize];
		let hash = frame_hash(&frame_id(id, 0, &view.task_id()), &tiles);
		let root = merkle_root(&[hash]).unwrap_or_default();
		let (receipt, signature) = signed_receipt::<T>(id, &player, &first, 60_000, root);
		Pallet::<T>::settle_receipt(
			RawOrigin::Signed(first.clone()).into(),
			id,
			receipt,
			signature,
		)
		.expect("a signed receipt");
		let statement = frame_statement(&Pallet::<T>::genesis_hash(), id, 0, &hash);
		let dispute = FrameDispute {
			seq: 0,
			view,
			contributor_signature: T::BenchmarkHelper::sign(&first, &statement),
			claimed_tile_hash: Hash32::default(),
			proof: TileProof {
				frame: 0,
				tile: 0,
				tile_path: merkle_proof(&tiles, 0).expect("tile 0"),
				frame_path: merkle_proof(&[hash], 0).expect("frame 0"),
			},
		};
		let chunks = BoundedVec::truncate_from(
			chunks.into_iter().map(ChunkBytes::truncate_from).collect::<Vec<_>>(),
		);

		#[extrinsic_call]
		_(RawOrigin::Signed(player), id, first.clone(), Box::new(dispute), chunks);

		let disputed = Sessions::<T>::get(id).map(|s| s.parts[0].disputed);
		assert_eq!(disputed, Some(true));
	}

	/// The costliest deadline: paying two contributors (two transfers and burns, two outcomes,
	/// two CSU records) and ending the session.
	#[benchmark]
	fn fire_deadline() {
		let (id, player, first, backup) = session::<T>(package::<T>(1280, 720), true);
		let (receipt, signature) =
			signed_receipt::<T>(id, &player, &first, 20_000, Hash32::default());
		Pallet::<T>::settle_receipt(RawOrigin::Signed(first).into(), id, receipt, signature)
			.expect("a signed receipt");
		Pallet::<T>::switch_to_backup(RawOrigin::Signed(player.clone()).into(), id)
			.expect("a backup");
		Pallet::<T>::accept_session(RawOrigin::Signed(backup.clone()).into(), id)
			.expect("the backup asked");
		let (receipt, signature) =
			signed_receipt::<T>(id, &player, &backup, 20_000, Hash32::default());
		Pallet::<T>::settle_receipt(RawOrigin::Signed(backup).into(), id, receipt, signature)
			.expect("a signed receipt");
		Pallet::<T>::end_session(RawOrigin::Signed(player).into(), id).expect("open");
		let session = Sessions::<T>::get(id).expect("closing");
		let now = session.deadline.saturating_add(One::one());
		frame_system::Pallet::<T>::set_block_number(now);
		DeadlineCursor::<T>::put(now);
		Pallet::<T>::on_initialize(now);
		let session = Sessions::<T>::get(id).expect("settled");
		assert_eq!(session.phase, SessionPhase::Settled);
		let at = session.deadline.saturating_add(One::one());
		frame_system::Pallet::<T>::set_block_number(at);
		Deadlines::<T>::remove(at, id);

		#[block]
		{
			Pallet::<T>::pay(id, session);
		}

		assert!(!Sessions::<T>::contains_key(id));
	}

	#[benchmark]
	fn on_initialize_idle() {
		let now = frame_system::Pallet::<T>::block_number().saturating_add(One::one());
		frame_system::Pallet::<T>::set_block_number(now);

		#[block]
		{
			Pallet::<T>::on_initialize(now);
		}

		assert!(DeadlineCursor::<T>::get() > now.saturating_sub(One::one()) || now.is_zero());
	}

	impl_benchmark_test_suite!(
		Pallet,
		crate::tests::mock::new_test_ext(),
		crate::tests::mock::Test
	);
}
