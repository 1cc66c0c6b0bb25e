//! Offchain workers: the render worker bridge (`pallet-render-ocw`) and how the runtime signs
//! the transactions it sends.

use crate::{
	AccountId, Nonce, Runtime, RuntimeCall, Signature, SignedPayload, System, TxExtension,
	UncheckedExtrinsic, World,
};
use alloc::vec::Vec;
use codec::Encode;
use playnet_primitives::{ChunkCoord, Hash32};
use polkadot_sdk::{
	frame_support::traits::{ConstU32, ConstU64},
	frame_system::{
		self,
		offchain::{AppCrypto, CreateSignedTransaction, CreateTransactionBase, SigningTypes},
	},
	pallet_transaction_payment,
	sp_runtime::{
		generic::Era,
		traits::{SaturatedConversion, Verify},
		MultiAddress,
	},
};

/// The canonical bytes of a scene's chunks, from the world, at the version the render spec
/// names: the current one, a version an open task pins (kept when the chunk was edited after
/// the post), or the generated one ([`pallet_world::Pallet::chunk_at`]).
pub struct WorldChunks;

impl pallet_render_ocw::SceneChunkSource for WorldChunks {
	fn chunk_bytes(coord: ChunkCoord, content_hash: &Hash32) -> Option<Vec<u8>> {
		World::chunk_at(coord, *content_hash)
	}
}

impl pallet_render_ocw::Config for Runtime {
	type AuthorityId = pallet_render_ocw::crypto::RenderAuthId;
	type SceneChunks = WorldChunks;
	/// The local render worker must answer within 2 s; the worker retries next block.
	type HttpTimeoutMillis = ConstU64<2_000>;
	/// A transaction not included within 10 blocks (30 s) counts as dropped.
	type PendingTxTimeout = ConstU32<10>;
	/// Validators audit one random accepted tile every 10 blocks.
	type AuditInterval = ConstU32<10>;
	type MaxAuditCandidates = ConstU32<64>;
}

impl SigningTypes for Runtime {
	type Public = <Signature as Verify>::Signer;
	type Signature = Signature;
}

impl<LocalCall> CreateTransactionBase<LocalCall> for Runtime
where
	RuntimeCall: From<LocalCall>,
{
	type Extrinsic = UncheckedExtrinsic;
	type RuntimeCall = RuntimeCall;
}

/// How long an offchain worker's transaction stays valid: 64 blocks (about 3 minutes).
const OFFCHAIN_TX_MORTALITY: u64 = 64;

impl<LocalCall> CreateSignedTransaction<LocalCall> for Runtime
where
	RuntimeCall: From<LocalCall>,
{
	fn create_signed_transaction<C: AppCrypto<Self::Public, Self::Signature>>(
		call: RuntimeCall,
		public: <Signature as Verify>::Signer,
		account: AccountId,
		nonce: Nonce,
	) -> Option<UncheckedExtrinsic> {
		// The era starts at the parent block, which every node running this worker has.
		let current = System::block_number().saturated_into::<u64>();
		let era = Era::mortal(OFFCHAIN_TX_MORTALITY, current.saturating_sub(1));
		let extension: TxExtension = (
			frame_system::AuthorizeCall::<Runtime>::new(),
			frame_system::CheckNonZeroSender::<Runtime>::new(),
			frame_system::CheckSpecVersion::<Runtime>::new(),
			frame_system::CheckTxVersion::<Runtime>::new(),
			frame_system::CheckGenesis::<Runtime>::new(),
			frame_system::CheckEra::<Runtime>::from(era),
			frame_system::CheckNonce::<Runtime>::from(nonce),
			frame_system::CheckWeight::<Runtime>::new(),
			pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(0),
			frame_system::WeightReclaim::<Runtime>::new(),
		);
		let payload = SignedPayload::new(call, extension).ok()?;
		let signature = payload.using_encoded(|bytes| C::sign(bytes, public))?;
		let (call, extension, _) = payload.deconstruct();
		Some(UncheckedExtrinsic::new_signed(call, MultiAddress::Id(account), signature, extension))
	}
}
