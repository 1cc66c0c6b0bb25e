//! Picking free TCP ports for nodes started by tests.

use anyhow::{Context, Result};
use std::net::TcpListener;

/// `N` distinct TCP ports that are free on every IPv4 interface right now.
///
/// The kernel picks them (bind to port 0); all listeners are held until every port is chosen,
/// so the ports differ from each other. Another process may still take one before the node
/// binds it: [`crate::NodeBuilder::spawn`] retries with new ports when that happens.
pub fn free_ports<const N: usize>() -> Result<[u16; N]> {
	let mut listeners = Vec::with_capacity(N);
	let mut ports = [0u16; N];
	for port in ports.iter_mut() {
		let listener = TcpListener::bind(("0.0.0.0", 0)).context("cannot bind a free TCP port")?;
		*port = listener.local_addr().context("a bound listener has no local address")?.port();
		listeners.push(listener);
	}
	Ok(ports)
}
