//! The player's commands, as the line mode and the CLI's subcommands read them, and running
//! them against a session. Every command gives one result line: `ok <command> ...` or
//! `error <command>: <why>`.

use crate::{
	chain::{ChunkVersion, RegionAction},
	p2p::AccountBytes,
	region::RegionCoord,
	session::{GameSession, Pose, SetOptions},
	view::write_png,
	world_state::locate,
};
use playnet_primitives::{world::blocks, BlockId, ChunkCoord};
use std::{path::PathBuf, time::Duration};

/// Block names the commands accept besides numeric ids.
pub const BLOCK_NAMES: [(&str, BlockId); 16] = [
	("air", blocks::AIR),
	("stone", blocks::STONE),
	("dirt", blocks::DIRT),
	("grass", blocks::GRASS),
	("sand", blocks::SAND),
	("water", blocks::WATER),
	("wood", blocks::WOOD),
	("leaves", blocks::LEAVES),
	("gravel", blocks::GRAVEL),
	("snow", blocks::SNOW),
	("bedrock", blocks::BEDROCK),
	("planks", blocks::PLANKS),
	("brick", blocks::BRICK),
	("cobblestone", blocks::COBBLESTONE),
	("coal_ore", blocks::COAL_ORE),
	("lamp", blocks::LAMP),
];

/// The name of a block id, if it has one.
pub fn block_name(id: BlockId) -> Option<&'static str> {
	BLOCK_NAMES.iter().find(|(_, b)| *b == id).map(|(name, _)| *name)
}

/// A player command.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Command {
	/// `goto x y z [yaw pitch]`: move (block position, degrees).
	Goto(Pose),
	/// `set x y z block [base=N] [at=MS]`: set a block (name or id), optionally on an explicit
	/// base version or with an explicit client timestamp (ms since the Unix epoch).
	Set {
		/// World block position.
		block: [i32; 3],
		/// The block id.
		id: BlockId,
		/// An explicit base version.
		base: Option<ChunkVersion>,
		/// An explicit client timestamp.
		at: Option<u64>,
	},
	/// `claim [x,z]`, `release [x,z]`, `allow ACCOUNT [x,z]`, `disallow ACCOUNT [x,z]`: region
	/// claims, for the region given or the one the player stands in. ACCOUNT is SS58.
	Region {
		/// What to do; `None` as the region means the player's.
		action: RegionCommand,
		/// The region, if given.
		region: Option<RegionCoord>,
	},
	/// `get x y z`: read a block.
	Get([i32; 3]),
	/// `say text`: chat to the region.
	Say(String),
	/// `peers`: connected peers, nearest first.
	Peers,
	/// `view [--out file.png] [--size WxH]`: render the player's view to a PNG.
	View {
		/// Output file.
		out: PathBuf,
		/// Width and height.
		size: (u32, u32),
	},
	/// `chunk x y z`: the status of the chunk holding a block.
	Chunk([i32; 3]),
	/// `wait [seconds]`: wait until every own submission is decided.
	Wait(Duration),
	/// `sleep milliseconds`.
	Sleep(Duration),
	/// `stats`: where chunks came from.
	Stats,
	/// `whoami`: peer id, addresses, account.
	WhoAmI,
	/// `help`.
	Help,
	/// `quit`.
	Quit,
}

/// A region command, before the region is known.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum RegionCommand {
	/// `claim`.
	Claim,
	/// `release`.
	Release,
	/// `allow ACCOUNT`.
	Allow(AccountBytes),
	/// `disallow ACCOUNT`.
	Disallow(AccountBytes),
}

impl RegionCommand {
	/// The action on `region`.
	pub fn on(self, region: RegionCoord) -> RegionAction {
		match self {
			RegionCommand::Claim => RegionAction::Claim(region),
			RegionCommand::Release => RegionAction::Release(region),
			RegionCommand::Allow(who) => RegionAction::Allow(region, who),
			RegionCommand::Disallow(who) => RegionAction::Disallow(region, who),
		}
	}
}

/// One line per command, for `help`.
pub const HELP: &str = "commands: goto x y z [yaw pitch] | set x y z block [base=N] [at=MS] | \
	get x y z | say text | peers | view [--out view.png] [--size WxH] | chunk x y z | \
	claim [x,z] | release [x,z] | allow ACCOUNT [x,z] | disallow ACCOUNT [x,z] | \
	wait [seconds] | sleep ms | stats | whoami | help | quit";

/// An SS58 account address.
fn account(word: Option<&str>) -> Result<AccountBytes, String> {
	let word = word.ok_or("missing account (an SS58 address)")?;
	word.parse::<playnet_chain_access::subxt::utils::AccountId32>()
		.map(|a| a.0)
		.map_err(|_| format!("{word:?} is not an SS58 account address"))
}

/// An optional `x,z` region as the last word.
fn optional_region(
	words: &mut std::str::SplitWhitespace<'_>,
) -> Result<Option<RegionCoord>, String> {
	let region = words.next().map(str::parse::<RegionCoord>).transpose()?;
	no_more(words)?;
	Ok(region)
}

fn int<T: std::str::FromStr>(word: Option<&str>, what: &str) -> Result<T, String> {
	let word = word.ok_or_else(|| format!("missing {what}"))?;
	word.parse().map_err(|_| format!("{what} must be a number, got {word:?}"))
}

fn position(words: &mut std::str::SplitWhitespace<'_>) -> Result<[i32; 3], String> {
	Ok([int(words.next(), "x")?, int(words.next(), "y")?, int(words.next(), "z")?])
}

/// A block by name or numeric id (unknown ids parse: the session refuses them clearly).
pub fn parse_block(word: &str) -> Result<BlockId, String> {
	if let Some((_, id)) = BLOCK_NAMES.iter().find(|(name, _)| name.eq_ignore_ascii_case(word)) {
		return Ok(*id);
	}
	word.parse().map_err(|_| format!("unknown block {word:?} (a name such as stone, or an id)"))
}

fn no_more(words: &mut std::str::SplitWhitespace<'_>) -> Result<(), String> {
	match words.next() {
		Some(extra) => Err(format!("unexpected {extra:?}")),
		None => Ok(()),
	}
}

impl Command {
	/// Parses one line. Blank lines and `#` comments are `Ok(None)`.
	pub fn parse(line: &str) -> Result<Option<Command>, String> {
		let line = line.trim();
		if line.is_empty() || line.starts_with('#') {
			return Ok(None);
		}
		let mut words = line.split_whitespace();
		let verb = words.next().unwrap_or_default();
		let command = match verb {
			"goto" => {
				let position = position(&mut words)?;
				let yaw = words.next().map(|w| int(Some(w), "yaw")).transpose()?.unwrap_or(45);
				let pitch = words.next().map(|w| int(Some(w), "pitch")).transpose()?.unwrap_or(-20);
				no_more(&mut words)?;
				Command::Goto(Pose { position, yaw_degrees: yaw, pitch_degrees: pitch })
			}
			"set" => {
				let block = position(&mut words)?;
				let id = parse_block(words.next().ok_or("missing block")?)?;
				let (mut base, mut at) = (None, None);
				for word in words.by_ref() {
					if let Some(n) = word.strip_prefix("base=") {
						base = Some(int(Some(n), "base=N")?);
					} else if let Some(ms) = word.strip_prefix("at=") {
						at = Some(int(Some(ms), "at=MS")?);
					} else {
						return Err(format!("unexpected {word:?} (base=N or at=MS)"));
					}
				}
				Command::Set { block, id, base, at }
			}
			"get" => {
				let block = position(&mut words)?;
				no_more(&mut words)?;
				Command::Get(block)
			}
			"chunk" => {
				let block = position(&mut words)?;
				no_more(&mut words)?;
				Command::Chunk(block)
			}
			"say" => {
				let text = line["say".len()..].trim();
				if text.is_empty() {
					return Err("say what?".into());
				}
				Command::Say(text.to_owned())
			}
			"claim" => Command::Region {
				action: RegionCommand::Claim,
				region: optional_region(&mut words)?,
			},
			"release" => Command::Region {
				action: RegionCommand::Release,
				region: optional_region(&mut words)?,
			},
			"allow" => Command::Region {
				action: RegionCommand::Allow(account(words.next())?),
				region: optional_region(&mut words)?,
			},
			"disallow" => Command::Region {
				action: RegionCommand::Disallow(account(words.next())?),
				region: optional_region(&mut words)?,
			},
			"peers" => Command::Peers,
			"view" => {
				let mut out = PathBuf::from("view.png");
				let mut size = (320, 180);
				while let Some(option) = words.next() {
					match option {
						"--out" => out = words.next().ok_or("--out needs a file")?.into(),
						"--size" => {
							let text = words.next().ok_or("--size needs WxH")?;
							let (w, h) = text.split_once('x').ok_or("--size needs WxH")?;
							size = (int(Some(w), "width")?, int(Some(h), "height")?);
						}
						other => return Err(format!("unknown view option {other:?}")),
					}
				}
				Command::View { out, size }
			}
			"wait" => {
				let seconds =
					words.next().map(|w| int(Some(w), "seconds")).transpose()?.unwrap_or(60);
				Command::Wait(Duration::from_secs(seconds))
			}
			"sleep" => Command::Sleep(Duration::from_millis(int(words.next(), "milliseconds")?)),
			"stats" => Command::Stats,
			"whoami" => Command::WhoAmI,
			"help" => Command::Help,
			"quit" | "exit" => Command::Quit,
			other => return Err(format!("unknown command {other:?}; {HELP}")),
		};
		if !matches!(
			command,
			Command::Say(_)
				| Command::Goto(_)
				| Command::Set { .. }
				| Command::Region { .. }
				| Command::Get(_)
				| Command::Chunk(_)
				| Command::View { .. }
		) {
			no_more(&mut words)?;
		}
		Ok(Some(command))
	}

	/// The command's name, as its result line starts.
	pub fn name(&self) -> &'static str {
		match self {
			Command::Goto(_) => "goto",
			Command::Set { .. } => "set",
			Command::Region { action: RegionCommand::Claim, .. } => "claim",
			Command::Region { action: RegionCommand::Release, .. } => "release",
			Command::Region { action: RegionCommand::Allow(_), .. } => "allow",
			Command::Region { action: RegionCommand::Disallow(_), .. } => "disallow",
			Command::Get(_) => "get",
			Command::Say(_) => "say",
			Command::Peers => "peers",
			Command::View { .. } => "view",
			Command::Chunk(_) => "chunk",
			Command::Wait(_) => "wait",
			Command::Sleep(_) => "sleep",
			Command::Stats => "stats",
			Command::WhoAmI => "whoami",
			Command::Help => "help",
			Command::Quit => "quit",
		}
	}
}

fn block_text(id: BlockId) -> String {
	match block_name(id) {
		Some(name) => format!("{name}({id})"),
		None => id.to_string(),
	}
}

/// Runs `command` and returns its result line (without the `ok`/`error` prefix on success).
pub async fn run(session: &GameSession, command: &Command) -> Result<String, String> {
	let fail = |e: crate::session::SessionError| e.to_string();
	match command {
		Command::Goto(pose) => {
			session.goto(*pose).await.map_err(fail)?;
			let [x, y, z] = pose.position;
			Ok(format!("{x} {y} {z} yaw={} pitch={}", pose.yaw_degrees, pose.pitch_degrees))
		}
		Command::Set { block, id, base, at } => {
			let options = SetOptions { base_version: *base, timestamp_ms: *at };
			let outcome = session.set_with(*block, *id, options).await.map_err(fail)?;
			let [x, y, z] = block;
			Ok(format!(
				"{x} {y} {z} {} chunk={} base={} submission={} gossip={}",
				block_text(*id),
				coord_text(&outcome.coord),
				outcome.base_version,
				outcome.id,
				if outcome.gossiped { "sent" } else { "no-peers" }
			))
		}
		Command::Get(block) => {
			let (id, version, pending) = session.get(*block).await.map_err(fail)?;
			let [x, y, z] = block;
			Ok(format!("{x} {y} {z} {} version={version} pending={pending}", block_text(id)))
		}
		Command::Chunk(block) => {
			let (coord, _) = locate(*block);
			session.ensure_chunk(coord).await.map_err(fail)?;
			let (version, hash, seen, pending) =
				session.chunk_status(coord).ok_or("chunk not loaded")?;
			Ok(format!(
				"{} version={version} hash={hash} seen={seen} pending={pending}",
				coord_text(&coord)
			))
		}
		Command::Region { action, region } => {
			let (coord, _) = locate(session.pose().position);
			let region = region.unwrap_or_else(|| RegionCoord::of(&coord));
			session.region(action.on(region)).await.map_err(fail)?;
			Ok(format!("{region}"))
		}
		Command::Say(text) => {
			session.say(text).await.map_err(fail)?;
			Ok(text.clone())
		}
		Command::Peers => {
			let peers = session.peers().await.map_err(fail)?;
			let list: Vec<String> = peers
				.iter()
				.map(|p| match p.distance {
					Some(d) => format!("{}@{d}", p.peer),
					None => p.peer.to_string(),
				})
				.collect();
			Ok(format!("{} {}", list.len(), list.join(" ")).trim_end().to_owned())
		}
		Command::View { out, size } => {
			let pixels = session.render_view(size.0, size.1).await.map_err(fail)?;
			write_png(out, size.0, size.1, &pixels)
				.map_err(|e| format!("writing {}: {e}", out.display()))?;
			Ok(format!("{} {}x{}", out.display(), size.0, size.1))
		}
		Command::Wait(timeout) => {
			session.settle(*timeout).await.map_err(fail)?;
			Ok("settled".into())
		}
		Command::Sleep(duration) => {
			tokio::time::sleep(*duration).await;
			Ok(format!("{}", duration.as_millis()))
		}
		Command::Stats => {
			let [generated, cache, peers, node, local] = session.counters().snapshot();
			Ok(format!(
				"chunks generated={generated} cache={cache} peers={peers} node={node} local={local} \
				 cache_bytes={} pending={}",
				session.cache().used(),
				session.pending_submissions()
			))
		}
		Command::WhoAmI => {
			let addrs: Vec<String> =
				session.network().listen_addrs().iter().map(|a| a.to_string()).collect();
			Ok(format!("peer={} addrs={}", session.network().peer_id(), addrs.join(",")))
		}
		Command::Help => Ok(HELP.into()),
		Command::Quit => Ok("bye".into()),
	}
}

/// `x,y,z`.
pub fn coord_text(coord: &ChunkCoord) -> String {
	format!("{},{},{}", coord.x, coord.y, coord.z)
}

#[cfg(test)]
mod tests {
	use super::*;

	fn parse(line: &str) -> Command {
		Command::parse(line).unwrap().unwrap()
	}

	#[test]
	fn set_takes_a_block_by_name_or_id_and_an_optional_base() {
		assert_eq!(
			parse("set 1 -2 3 stone"),
			Command::Set { block: [1, -2, 3], id: 1, base: None, at: None }
		);
		assert_eq!(
			parse("set 1 2 3 12 base=4"),
			Command::Set { block: [1, 2, 3], id: 12, base: Some(4), at: None }
		);
		assert_eq!(
			parse("set 1 2 3 lamp at=1700000000123 base=0"),
			Command::Set { block: [1, 2, 3], id: 15, base: Some(0), at: Some(1_700_000_000_123) }
		);
		assert!(Command::parse("set 1 2 3 lamp when=5").unwrap_err().contains("unexpected"));
		assert!(Command::parse("set 1 2 3 lamp at=soon").unwrap_err().contains("at=MS"));
	}

	#[test]
	fn region_commands_take_an_optional_region_and_an_ss58_account() {
		// //Bob's public key and SS58 address (generic prefix 42).
		let bob = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty";
		let bob_bytes = bob.parse::<playnet_chain_access::subxt::utils::AccountId32>().unwrap().0;
		assert_eq!(parse("claim"), Command::Region { action: RegionCommand::Claim, region: None });
		assert_eq!(
			parse("release -1,2"),
			Command::Region {
				action: RegionCommand::Release,
				region: Some(RegionCoord::new(-1, 2))
			}
		);
		assert_eq!(
			parse(&format!("allow {bob} 0,0")),
			Command::Region {
				action: RegionCommand::Allow(bob_bytes),
				region: Some(RegionCoord::new(0, 0))
			}
		);
		assert_eq!(parse(&format!("disallow {bob}")).name(), "disallow");
		assert!(Command::parse("allow").unwrap_err().contains("missing account"));
		assert!(Command::parse("allow bob").unwrap_err().contains("not an SS58"));
		assert!(Command::parse("claim 1").unwrap_err().contains("expected x,z"));
		assert!(Command::parse("claim 1,2 3").unwrap_err().contains("unexpected"));
	}

	#[test]
	fn unknown_block_ids_parse_so_the_session_can_refuse_them() {
		assert_eq!(
			parse("set 0 0 0 999"),
			Command::Set { block: [0, 0, 0], id: 999, base: None, at: None }
		);
		assert!(Command::parse("set 0 0 0 marble").is_err());
	}

	#[test]
	fn goto_defaults_its_heading() {
		assert_eq!(
			parse("goto 5 80 -5"),
			Command::Goto(Pose { position: [5, 80, -5], yaw_degrees: 45, pitch_degrees: -20 })
		);
	}

	#[test]
	fn say_keeps_the_whole_text() {
		assert_eq!(parse("say hello  there"), Command::Say("hello  there".into()));
		assert!(Command::parse("say").is_err());
	}

	#[test]
	fn view_reads_its_options() {
		assert_eq!(
			parse("view --out a.png --size 64x32"),
			Command::View { out: "a.png".into(), size: (64, 32) }
		);
	}

	#[test]
	fn blank_lines_and_comments_are_skipped() {
		assert_eq!(Command::parse("   "), Ok(None));
		assert_eq!(Command::parse("# a comment"), Ok(None));
	}

	#[test]
	fn bad_lines_are_clear_errors() {
		assert!(Command::parse("fly 1 2 3").unwrap_err().contains("unknown command"));
		assert!(Command::parse("get 1 2").unwrap_err().contains("missing z"));
		assert!(Command::parse("get 1 2 x").unwrap_err().contains("z must be a number"));
		assert!(Command::parse("peers now").unwrap_err().contains("unexpected"));
	}
}
