//! Disputes: one tile of a receipted, contributor-signed frame re-rendered on chain with the
//! primitives' CPU kernel; a mismatch slashes the contributor and refunds its due.

use crate::{pallet::*, types::*, BalanceOf};
use playnet_primitives::{
	proof::tile::{render_tile, tile_count, tile_hash, tile_rect},
	session::{frame_id, frame_statement},
	FrameCamera, Hash32, Outcome, Scene, SceneError,
};
use polkadot_sdk::{
	frame_support::{ensure, traits::Get, BoundedVec},
	frame_system,
	sp_runtime::{
		traits::{Saturating, Zero},
		DispatchResult,
	},
};

impl<T: Config> Pallet<T> {
	pub(crate) fn do_dispute_frame(
		reporter: T::AccountId,
		id: SessionId,
		contributor: T::AccountId,
		dispute: FrameDispute<T::Signature>,
		chunks: BoundedVec<ChunkBytes, T::MaxSceneChunks>,
	) -> DispatchResult {
		let mut session = Sessions::<T>::get(id).ok_or(Error::<T>::UnknownSession)?;
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(now <= session.deadline, Error::<T>::PhaseOver);
		let package = session.package;
		let part = session.part_of(&contributor).ok_or(Error::<T>::UnknownContributor)?;
		ensure!(!part.disputed, Error::<T>::PartDisputed);
		let (receipt, _) = part.receipt.as_ref().ok_or(Error::<T>::NothingReceipted)?;

		// The view: one frame of the session's size.
		let view = &dispute.view;
		ensure!(
			view.validate().is_ok()
				&& view.frame_count == 1
				&& view.width == package.width
				&& view.height == package.height
				&& view.scene.len() <= T::MaxSceneChunks::get() as usize,
			Error::<T>::InvalidView
		);

		// The claimed tile sits at the proof's place in a frame the player paid for.
		let proof = &dispute.proof;
		let tiles = tile_count(view.width, view.height);
		ensure!(
			proof.frame_path.index == proof.frame
				&& proof.frame_path.leaf_count == receipt.frames
				&& proof.tile_path.index == proof.tile
				&& proof.tile_path.leaf_count == tiles,
			Error::<T>::BadTilePosition
		);
		let rect =
			tile_rect(view.width, view.height, proof.tile).ok_or(Error::<T>::BadTilePosition)?;
		let tile_root = proof
			.tile_path
			.compute_root(&dispute.claimed_tile_hash)
			.map_err(|_| Error::<T>::BadMerklePath)?;
		let frame_hash =
			Hash32::of_parts(&[&frame_id(id, dispute.seq, &view.task_id()).0, &tile_root.0]);
		proof
			.frame_path
			.verify(&frame_hash, &receipt.frame_root)
			.map_err(|_| Error::<T>::BadMerklePath)?;

		// ... and the contributor signed it.
		let statement = frame_statement(&Self::genesis_hash(), id, dispute.seq, &frame_hash);
		ensure!(
			Self::signed_by(&dispute.contributor_signature, &statement, &contributor),
			Error::<T>::BadFrameSignature
		);

		// The scene from the chunk bytes, checked against the view's hashes.
		let scene = Scene::from_encoded(view, &chunks).map_err(|error| match error {
			SceneError::ChunkCountMismatch { .. } => Error::<T>::WrongChunkCount,
			SceneError::HashMismatch { .. } => Error::<T>::ChunkHashMismatch,
			SceneError::Decode { .. } | SceneError::BadLayout => Error::<T>::InvalidChunkBytes,
			SceneError::Spec(_) => Error::<T>::InvalidView,
		})?;
		let camera = FrameCamera::at_frame(&view.camera_path, 0, view.width, view.height);
		let (pixels, _steps) = render_tile(&scene, &camera, rect);
		ensure!(tile_hash(&pixels) != dispute.claimed_tile_hash, Error::<T>::FrameNotWrong);

		// Proven: the contributor is slashed and owed nothing; a due fixed already goes back.
		let slashed = T::Contributors::slash(&contributor, T::FraudSlash::get(), Some(&reporter));
		T::Contributors::record_outcome(&contributor, Outcome::Disputed);
		let mut refunded = BalanceOf::<T>::zero();
		if let Some(part) = session.parts.iter_mut().find(|part| part.contributor == contributor) {
			part.disputed = true;
			if !part.due.is_zero() {
				refunded = Self::release_to_player(&session.player, part.due);
				session.escrow = session.escrow.saturating_sub(refunded);
				part.due = Zero::zero();
			}
		}
		Sessions::<T>::insert(id, session);
		Self::deposit_event(Event::FrameDisputed {
			session: id,
			contributor,
			reporter,
			seq: dispute.seq,
			tile: proof.tile,
			slashed,
			refunded,
		});
		Ok(())
	}
}
