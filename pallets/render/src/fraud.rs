//! Fraud proofs: one tile of an accepted result re-rendered on chain with the primitives' CPU
//! kernel; a mismatch slashes every signer.

use crate::{pallet::*, types::*, BalanceOf};
use playnet_primitives::{
	proof::tile::{render_tile, tile_count, tile_hash, tile_rect},
	FrameCamera, Hash32, Scene, SceneError, TileProof,
};
use polkadot_sdk::{
	frame_support::{ensure, traits::Get, BoundedVec},
	sp_runtime::{
		traits::{Saturating, Zero},
		DispatchResult,
	},
};

impl<T: Config> Pallet<T> {
	/// Checks the proof against the accepted root, re-renders the tile and, when it differs
	/// from the claimed one, slashes the signers and refunds the poster. Nothing changes
	/// unless the tile is shown wrong.
	pub(crate) fn do_report_fraud(
		reporter: T::AccountId,
		index: TaskIndex,
		proof: TileProof,
		claimed_tile_hash: Hash32,
		chunks: BoundedVec<ChunkBytes, T::MaxSceneChunks>,
	) -> DispatchResult {
		let task = Tasks::<T>::get(index).ok_or(Error::<T>::UnknownTask)?;
		let root = match (task.phase, task.accepted_root) {
			(TaskPhase::Accepted, Some(root)) => root,
			_ => return Err(Error::<T>::NotAccepted.into()),
		};
		let spec = Specs::<T>::get(index).ok_or(Error::<T>::UnknownTask)?.to_spec();

		// The claimed tile sits at the proof's place under the accepted root.
		let rect = tile_rect(spec.width, spec.height, proof.tile);
		let tiles = tile_count(spec.width, spec.height);
		ensure!(
			proof.frame < spec.frame_count
				&& proof.frame_path.index == proof.frame
				&& proof.frame_path.leaf_count == spec.frame_count
				&& proof.tile_path.index == proof.tile
				&& proof.tile_path.leaf_count == tiles,
			Error::<T>::BadTilePosition
		);
		let rect = rect.ok_or(Error::<T>::BadTilePosition)?;
		let tile_root = proof
			.tile_path
			.compute_root(&claimed_tile_hash)
			.map_err(|_| Error::<T>::BadMerklePath)?;
		let result_id = task.result_id.ok_or(Error::<T>::NotAccepted)?;
		let frame_hash = Hash32::of_parts(&[&result_id.0, &tile_root.0]);
		proof.frame_path.verify(&frame_hash, &root).map_err(|_| Error::<T>::BadMerklePath)?;

		// The scene from the reporter's chunk bytes, checked against the spec's hashes.
		let scene = Scene::from_encoded(&spec, &chunks).map_err(|error| match error {
			SceneError::ChunkCountMismatch { .. } => Error::<T>::WrongChunkCount,
			SceneError::HashMismatch { .. } => Error::<T>::ChunkHashMismatch,
			SceneError::Decode { .. } | SceneError::BadLayout => Error::<T>::InvalidChunkBytes,
			SceneError::Spec(_) => Error::<T>::InvalidSpec,
		})?;
		let camera = FrameCamera::at_frame(&spec.camera_path, proof.frame, spec.width, spec.height);
		let (pixels, _steps) = render_tile(&scene, &camera, rect);
		ensure!(tile_hash(&pixels) != claimed_tile_hash, Error::<T>::ResultNotFraudulent);

		let mut slashed = BalanceOf::<T>::zero();
		for signer in task.signers() {
			slashed = slashed.saturating_add(T::Workers::slash(
				&signer,
				T::FraudSlash::get(),
				Some(&reporter),
			));
			T::Workers::record_outcome(&signer, Outcome::Fraud);
		}
		Self::deposit_event(Event::FraudProven {
			task: index,
			reporter,
			frame: proof.frame,
			tile: proof.tile,
			slashed,
		});
		Self::refund(index, task, RefundReason::Fraud);
		Ok(())
	}
}
