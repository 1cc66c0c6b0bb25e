//! A lying peer for light-client tests: a libp2p peer on loopback that stands between a light
//! client and a real node, relaying the Substrate protocols a light client speaks (block
//! announces, GRANDPA, sync, warp sync, state, light requests, ping) in both directions, and
//! on demand altering the storage values in the node's answers to light requests.
//!
//! The alteration is the one a dishonest full node would make: in a storage proof, the value
//! of an account (`System::Account`'s 80-byte `AccountInfo`, stored beside its trie node)
//! gets a different free balance. Everything else (framing, lengths, the other trie nodes)
//! is left as the node sent it, so the answer is well formed and only the Merkle check can
//! tell. Kademlia and identify are not relayed, so the light client learns no route to the
//! node around the proxy.

use anyhow::{Context, Result};
use futures::{AsyncReadExt, AsyncWriteExt, StreamExt};
use libp2p::{
	multiaddr::Protocol, noise, swarm::SwarmEvent, tcp, yamux, Multiaddr, PeerId, StreamProtocol,
};
use std::{
	sync::{
		atomic::{AtomicBool, AtomicUsize, Ordering},
		Arc,
	},
	time::Duration,
};
use tokio::{sync::watch, task::JoinHandle};

/// The size of an encoded `AccountInfo` (four `u32` counters and four `u128` balances).
const ACCOUNT_INFO_LEN: usize = 80;
/// Where its free balance starts.
const FREE_OFFSET: usize = 16;
/// How long the proxy waits before dialing the node again after losing its connection.
const REDIAL_PAUSE: Duration = Duration::from_millis(200);
/// The longest message relayed whole (a light answer with the runtime's code fits).
const MAX_MESSAGE: usize = 64 << 20;

/// The relaying peer. Dropping it stops it.
pub struct PeerProxy {
	address: String,
	tamper: Arc<AtomicBool>,
	tampered: Arc<AtomicUsize>,
	tasks: Vec<JoinHandle<()>>,
}

impl PeerProxy {
	/// Starts a peer on loopback relaying between whoever connects and the node at
	/// `node_address` (a multiaddr ending in `/p2p/<peer id>`) of the chain with genesis hash
	/// `genesis`.
	pub async fn start(node_address: &str, genesis: [u8; 32]) -> Result<Self> {
		let node_address: Multiaddr = node_address.parse().context("the node's address")?;
		let node = match node_address.iter().last() {
			Some(Protocol::P2p(peer)) => peer,
			_ => anyhow::bail!("{node_address} does not end in /p2p/<peer id>"),
		};
		let mut swarm = libp2p::SwarmBuilder::with_new_identity()
			.with_tokio()
			.with_tcp(tcp::Config::default(), noise::Config::new, yamux::Config::default)?
			.with_behaviour(|_| libp2p_stream::Behaviour::new())?
			.with_swarm_config(|c| c.with_idle_connection_timeout(Duration::from_secs(600)))
			.build();
		swarm.listen_on("/ip4/127.0.0.1/tcp/0".parse()?)?;
		swarm.dial(node_address.clone())?;
		let me = *swarm.local_peer_id();
		let control = swarm.behaviour().new_control();

		let listening = loop {
			if let SwarmEvent::NewListenAddr { address, .. } = swarm.select_next_some().await {
				break address;
			}
		};
		let (client_tx, client_rx) = watch::channel::<Option<PeerId>>(None);
		let mut tasks = vec![tokio::spawn(async move {
			// Set when the connection to the node was lost: dial it again after a pause.
			let mut redial: Option<std::pin::Pin<Box<tokio::time::Sleep>>> = None;
			loop {
				let event = match redial.as_mut() {
					Some(pause) => tokio::select! {
						event = swarm.select_next_some() => event,
						_ = pause => {
							redial = None;
							let _ = swarm.dial(node_address.clone());
							continue;
						}
					},
					None => swarm.select_next_some().await,
				};
				match event {
					SwarmEvent::ConnectionEstablished { peer_id, .. } if peer_id != node => {
						let _ = client_tx.send(Some(peer_id));
					}
					// A node closes a connection on which no protocol is open (its idle
					// timeout), as it may before the light client has connected: without a
					// connection to the node every relayed stream would fail from then on.
					SwarmEvent::ConnectionClosed { peer_id, num_established: 0, cause, .. }
						if peer_id == node =>
					{
						eprintln!(
							"peer proxy: the node closed the connection ({cause:?}); redialing"
						);
						redial = Some(Box::pin(tokio::time::sleep(REDIAL_PAUSE)));
					}
					SwarmEvent::OutgoingConnectionError { peer_id: Some(peer_id), .. }
						if peer_id == node =>
					{
						redial = Some(Box::pin(tokio::time::sleep(REDIAL_PAUSE)))
					}
					_ => {}
				}
			}
		})];

		let tamper = Arc::new(AtomicBool::new(false));
		let tampered = Arc::new(AtomicUsize::new(0));
		let g = hex::encode(genesis);
		let names = [
			format!("/{g}/block-announces/1"),
			format!("/{g}/grandpa/1"),
			format!("/{g}/transactions/1"),
			format!("/{g}/sync/2"),
			format!("/{g}/sync/warp"),
			format!("/{g}/state/2"),
			format!("/{g}/light/2"),
			"/ipfs/ping/1.0.0".to_string(),
		];
		for name in names {
			let light = name.ends_with("/light/2");
			let protocol = StreamProtocol::try_from_owned(name)?;
			let mut accepting = control.clone();
			let mut incoming = accepting.accept(protocol.clone())?;
			let (control, client_rx) = (control.clone(), client_rx.clone());
			let (tamper, tampered) = (tamper.clone(), tampered.clone());
			tasks.push(tokio::spawn(async move {
				while let Some((from, inbound)) = incoming.next().await {
					let to = if from == node {
						match *client_rx.borrow() {
							Some(client) => client,
							None => continue,
						}
					} else {
						node
					};
					let mut control = control.clone();
					let protocol = protocol.clone();
					let (tamper, tampered) = (tamper.clone(), tampered.clone());
					tokio::spawn(async move {
						let Ok(outbound) = control.open_stream(to, protocol).await else { return };
						if light && to == node {
							let _ = answer(inbound, outbound, &tamper, &tampered).await;
						} else {
							relay(inbound, outbound).await;
						}
					});
				}
			}));
		}
		let address = format!("{listening}/p2p/{me}");
		Ok(PeerProxy { address, tamper, tampered, tasks })
	}

	/// The proxy's address for a light client's bootnodes: a multiaddr ending in its peer id.
	pub fn address(&self) -> &str {
		&self.address
	}

	/// From now on, alter account values in proofs (or stop).
	pub fn set_tampering(&self, on: bool) {
		self.tamper.store(on, Ordering::SeqCst);
	}

	/// How many answers were altered so far.
	pub fn tampered(&self) -> usize {
		self.tampered.load(Ordering::SeqCst)
	}
}

impl Drop for PeerProxy {
	fn drop(&mut self) {
		for task in &self.tasks {
			task.abort();
		}
	}
}

/// Copies both ways until either side closes.
async fn relay(a: libp2p::Stream, b: libp2p::Stream) {
	let (mut a_read, mut a_write) = a.split();
	let (mut b_read, mut b_write) = b.split();
	let there = async {
		let _ = futures::io::copy(&mut a_read, &mut b_write).await;
		let _ = b_write.close().await;
	};
	let back = async {
		let _ = futures::io::copy(&mut b_read, &mut a_write).await;
		let _ = a_write.close().await;
	};
	futures::future::join(there, back).await;
}

/// One light request: the request goes to the node as it is; the answer comes back, with its
/// account values altered while tampering is on.
async fn answer(
	mut client: libp2p::Stream,
	mut node: libp2p::Stream,
	tamper: &AtomicBool,
	tampered: &AtomicUsize,
) -> Result<()> {
	let request = read_message(&mut client).await?;
	write_message(&mut node, &request).await?;
	let _ = node.close().await;
	let mut response = read_message(&mut node).await?;
	if tamper.load(Ordering::SeqCst) && alter_account_values(&mut response) {
		tampered.fetch_add(1, Ordering::SeqCst);
	}
	write_message(&mut client, &response).await?;
	client.close().await?;
	Ok(())
}

async fn read_message(stream: &mut libp2p::Stream) -> Result<Vec<u8>> {
	let mut length = 0usize;
	for shift in (0..).step_by(7).take(10) {
		let mut byte = [0u8];
		stream.read_exact(&mut byte).await?;
		length |= ((byte[0] & 0x7f) as usize) << shift;
		if byte[0] & 0x80 == 0 {
			break;
		}
	}
	anyhow::ensure!(length <= MAX_MESSAGE, "a message of {length} bytes");
	let mut message = vec![0u8; length];
	stream.read_exact(&mut message).await?;
	Ok(message)
}

async fn write_message(stream: &mut libp2p::Stream, message: &[u8]) -> Result<()> {
	let mut prefix = Vec::new();
	let mut length = message.len();
	loop {
		let byte = (length & 0x7f) as u8;
		length >>= 7;
		if length == 0 {
			prefix.push(byte);
			break;
		}
		prefix.push(byte | 0x80);
	}
	stream.write_all(&prefix).await?;
	stream.write_all(message).await?;
	stream.flush().await?;
	Ok(())
}

/// A protobuf varint at `at`: its value and the index after it.
fn varint(bytes: &[u8], mut at: usize) -> Option<(u64, usize)> {
	let mut value = 0u64;
	for shift in (0..64).step_by(7) {
		let byte = *bytes.get(at)?;
		at += 1;
		value |= ((byte & 0x7f) as u64) << shift;
		if byte & 0x80 == 0 {
			return Some((value, at));
		}
	}
	None
}

/// The length-delimited fields of the protobuf message `bytes[range]`: (field, range).
fn fields(bytes: &[u8], range: std::ops::Range<usize>) -> Vec<(u64, std::ops::Range<usize>)> {
	let mut found = Vec::new();
	let mut at = range.start;
	while at < range.end {
		let Some((key, next)) = varint(bytes, at) else { break };
		at = next;
		match key & 7 {
			0 => match varint(bytes, at) {
				Some((_, next)) => at = next,
				None => break,
			},
			2 => {
				let Some((length, next)) = varint(bytes, at) else { break };
				let end = next + length as usize;
				if end > range.end {
					break;
				}
				found.push((key >> 3, next..end));
				at = end;
			}
			_ => break,
		}
	}
	found
}

/// A SCALE compact integer at `at`: its value and the index after it.
fn compact(bytes: &[u8], at: usize) -> Option<(usize, usize)> {
	let first = *bytes.get(at)?;
	Some(match first & 3 {
		0 => ((first >> 2) as usize, at + 1),
		1 => ((u16::from_le_bytes([first, *bytes.get(at + 1)?]) >> 2) as usize, at + 2),
		2 => {
			let word = bytes.get(at..at + 4)?;
			((u32::from_le_bytes(word.try_into().ok()?) >> 2) as usize, at + 4)
		}
		_ => return None,
	})
}

/// In a light answer (`Response { remote_call_response = 1 | remote_read_response = 2 }`,
/// each with `proof = 2`), changes the free balance in every account value of the proof (a
/// SCALE list of trie nodes and values). Returns whether anything changed.
pub fn alter_account_values(response: &mut [u8]) -> bool {
	let mut proofs = Vec::new();
	for (field, inner) in fields(response, 0..response.len()) {
		if field == 1 || field == 2 {
			proofs.extend(fields(response, inner).into_iter().filter(|(f, _)| *f == 2));
		}
	}
	let mut changed = false;
	for (_, proof) in proofs {
		let Some((count, mut at)) = compact(response, proof.start) else { continue };
		for _ in 0..count {
			let Some((length, start)) = compact(response, at) else { break };
			if start + length > proof.end {
				break;
			}
			if length == ACCOUNT_INFO_LEN {
				response[start + FREE_OFFSET] ^= 0x01;
				changed = true;
			}
			at = start + length;
		}
	}
	changed
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn an_account_value_in_a_read_answer_is_altered_and_nothing_else() {
		// proof = [a 3-byte node, an 80-byte value]
		let mut proof = vec![2 << 2, 3 << 2, 1, 2, 3, (80 << 2) as u8 | 1, 1];
		proof.extend([7u8; 80]);
		let mut read = vec![0x12, proof.len() as u8];
		read.extend(&proof);
		let mut response = vec![0x12, read.len() as u8];
		response.extend(&read);
		let before = response.clone();
		assert!(alter_account_values(&mut response));
		let differing: Vec<usize> =
			(0..response.len()).filter(|i| response[*i] != before[*i]).collect();
		assert_eq!(differing.len(), 1);
		assert_eq!(response[differing[0]], 7 ^ 1);
	}
}
