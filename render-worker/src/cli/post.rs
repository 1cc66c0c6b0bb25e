//! `post`: demo render tasks with a fee, once or every N blocks, each followed to its end.

use super::{KeyArgs, Reconnects};
use anyhow::{bail, Context, Result};
use clap::Args;
use playnet_primitives::demo::GeneratedTask;
use playnet_render::work::{
	chain::{Balance, ChainError, RenderChain, Verification},
	post::{demo_task, ss58, turn_camera, PostedTasks},
	report::{format_pgt, parse_pgt},
	rpc::{Follow, RpcRenderChain},
	FEE_MARGIN,
};
use subxt_signer::sr25519::Keypair;

#[derive(Args)]
pub struct PostArgs {
	/// Where the chain is: a node, or an embedded light client (`--chain`).
	#[command(flatten)]
	chain: playnet_chain_access::ChainArgs,
	#[command(flatten)]
	key: KeyArgs,
	/// The fee of each task in PGT, held from the poster until the task settles (at least
	/// the chain's floor for the task: Render::MinFee, or Render::MinFeePerUnit per work unit
	/// when that is more).
	#[arg(long, default_value = "10")]
	fee: String,
	/// Post optimistic tasks: one worker renders each, and the chain spot-checks a frame and a
	/// tile of its result, for a fee floor 40% of a majority task's (Render::OptimisticFeeShare).
	/// The task needs Render::MinOptimisticFrames frames at least, and a fee of at most
	/// Render::MaxOptimisticFee. Without it, three workers render each task and the majority's
	/// root is accepted.
	#[arg(long)]
	optimistic: bool,
	/// Post a task every N blocks until interrupted (or --count tasks), instead of once.
	#[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
	every: Option<u64>,
	/// With --every: stop posting after this many tasks, and exit when they have ended.
	#[arg(long, requires = "every", value_parser = clap::value_parser!(u64).range(1..))]
	count: Option<u64>,
	/// Exit once the tasks are posted instead of following them to their settlement.
	#[arg(long)]
	no_wait: bool,
	/// Frame width of the demo task.
	#[arg(long, default_value_t = 320)]
	width: u32,
	/// Frame height of the demo task.
	#[arg(long, default_value_t = 180)]
	height: u32,
	/// Frames of the demo task.
	#[arg(long, default_value_t = 8)]
	frames: u32,
	/// After a lost connection, give up after this many reconnection attempts in a row fail
	/// (0: never). A first connection that fails ends the command at once.
	#[arg(long, default_value_t = 0)]
	max_reconnects: u32,
}

pub fn post(args: PostArgs) -> Result<()> {
	let fee = parse_pgt(&args.fee)
		.with_context(|| format!("--fee {:?} is not an amount of PGT", args.fee))?;
	let keypair = args.key.keypair()?;
	let runtime = tokio::runtime::Runtime::new()?;
	runtime.block_on(async {
		tokio::select! {
			result = post_until_done(&args, keypair, fee) => result,
			_ = tokio::signal::ctrl_c() => {
				eprintln!("interrupted; posted tasks go on without this poster");
				Ok(())
			}
		}
	})
}

/// What a poster keeps across reconnections.
struct Poster {
	/// The demo task; each post turns its camera.
	task: GeneratedTask,
	fee: Balance,
	/// Tasks to post in all.
	limit: u64,
	posts: u64,
	/// The first block at which the next task may be posted.
	next_post: u64,
	posted: PostedTasks,
}

/// Posts and follows tasks, reconnecting after lost connections once the first connection
/// worked (a first one that fails is a mistake to report, not to retry).
async fn post_until_done(args: &PostArgs, keypair: Keypair, fee: Balance) -> Result<()> {
	let mut reconnects = Reconnects::new(args.max_reconnects);
	let mut poster = None;
	loop {
		let started = std::time::Instant::now();
		let error = match post_tasks(args, &keypair, fee, &mut poster).await {
			Ok(()) => return Ok(()),
			Err(error) if poster.is_some() && is_transient(&error) => error,
			Err(error) => return Err(error),
		};
		reconnects.wait(started.elapsed(), error).await?;
	}
}

/// How the tasks are verified, as the arguments ask.
fn verification_of(args: &PostArgs) -> Verification {
	if args.optimistic {
		Verification::Optimistic
	} else {
		Verification::Majority
	}
}

fn is_transient(error: &anyhow::Error) -> bool {
	error.downcast_ref::<ChainError>().is_some_and(ChainError::is_transient)
}

/// Checks what the chain would refuse before anything is signed, and builds the demo task.
async fn start(
	args: &PostArgs,
	chain: &RpcRenderChain,
	fee: Balance,
	first_block: u64,
) -> Result<Poster> {
	let account = ss58(&chain.account());
	let seed = chain.world_seed().await?;
	let task = demo_task(seed, args.width, args.height, args.frames, chain.max_scene_chunks()?);
	let (spec, _) = task.build();
	spec.validate().with_context(|| {
		format!("the demo task {}x{} x {} frames", args.width, args.height, args.frames)
	})?;
	let work_units = u64::from(spec.tiles_per_frame()) * u64::from(spec.frame_count);
	let verification = verification_of(args);
	let min_fee = chain.min_fee(work_units, verification)?;
	if fee < min_fee {
		bail!(
			"--fee {} is below the chain's minimum fee of {} for a{} task of {work_units} work \
			 units",
			format_pgt(fee),
			format_pgt(min_fee),
			if args.optimistic { "n optimistic" } else { "" }
		);
	}
	if args.optimistic {
		let (max_fee, min_frames) = chain.optimistic_limits()?;
		if fee > max_fee {
			bail!(
				"--fee {} is above the largest fee of an optimistic task, {}: post it without \
				 --optimistic, or split it",
				format_pgt(fee),
				format_pgt(max_fee)
			);
		}
		if spec.frame_count < min_frames {
			bail!(
				"an optimistic task needs at least {min_frames} frames; --frames is {}",
				spec.frame_count
			);
		}
	}
	let balance = chain.free_balance().await?;
	if balance < fee.saturating_add(FEE_MARGIN) {
		bail!(
			"balance too low to post a task with a fee of {}: {account} holds {} free, and {} \
			 more is kept for transaction fees",
			format_pgt(fee),
			format_pgt(balance),
			format_pgt(FEE_MARGIN)
		);
	}
	let cadence = match args.every {
		Some(every) => format!("every {every} blocks"),
		None => "once".to_owned(),
	};
	println!(
		"posting{} as {account} {cadence}: {}x{} x {} frames over {} chunks of world {seed}, fee \
		 {} each; balance {}",
		if args.optimistic { " optimistic tasks (one worker, spot-checked)" } else { "" },
		spec.width,
		spec.height,
		spec.frame_count,
		spec.scene.len(),
		format_pgt(fee),
		format_pgt(balance)
	);
	let limit = match args.every {
		Some(_) => args.count.unwrap_or(u64::MAX),
		None => 1,
	};
	Ok(Poster {
		task,
		fee,
		limit,
		posts: 0,
		next_post: first_block,
		posted: PostedTasks::default(),
	})
}

/// One connection's worth of posting and following; `poster` is `None` until the first
/// connection's checks pass, and carries over to the next connection.
async fn post_tasks(
	args: &PostArgs,
	keypair: &Keypair,
	fee: Balance,
	poster: &mut Option<Poster>,
) -> Result<()> {
	let mut chain =
		RpcRenderChain::connect(&args.chain.endpoint().await?, keypair.clone(), Follow::Finalized)
			.await?;
	let mut block = chain.next_block().await?;
	let poster = match poster {
		Some(poster) => {
			// The events of the blocks missed are not read: a task gone from the chain ended.
			for task in poster.posted.open_tasks() {
				if chain.task(task).await?.is_none() {
					if let Some(line) = poster.posted.ended_unseen(task, block.number) {
						println!("{line}");
					}
				}
			}
			poster
		}
		None => poster.insert(start(args, &chain, fee, block.number).await?),
	};
	loop {
		for event in chain.render_events().await? {
			if let Some(line) = poster.posted.observe(&event, block.number) {
				println!("{line}");
			}
		}
		if poster.posts < poster.limit && block.number >= poster.next_post {
			// A different view at every block: a restarted poster does not repeat its tasks.
			let mut task = poster.task.clone();
			turn_camera(&mut task, block.number);
			let (mut spec, _) = task.build();
			// The scene as the chain has it now: edited chunks by their current hash.
			for entry in &mut spec.scene {
				if let Some(hash) = chain.edited_chunk_hash(entry.coord).await? {
					entry.content_hash = hash;
				}
			}
			let done = match chain.post_task(&spec, poster.fee, verification_of(args)).await {
				Ok(done) => done,
				Err(error) if error.is_transient() => {
					// Sent or not, nobody can say: it is posted again at the next chance.
					eprintln!(
						"posting task {} at block {}: the connection failed before its inclusion \
						 was seen; if it was included, this poster does not follow it",
						spec.task_id(),
						block.number
					);
					return Err(error.into());
				}
				Err(error) => return Err(error.into()),
			};
			println!(
				"task {}: posted in block {} with a fee of {} (spec {})",
				done.task,
				done.block,
				format_pgt(poster.fee),
				spec.task_id()
			);
			poster.posted.posted(done.task, done.block);
			poster.posts += 1;
			poster.next_post = block.number.saturating_add(args.every.unwrap_or(u64::MAX));
		}
		let posting_done = poster.posts >= poster.limit;
		if posting_done && (args.no_wait || poster.posted.open() == 0) {
			return Ok(());
		}
		block = chain.next_block().await?;
	}
}
