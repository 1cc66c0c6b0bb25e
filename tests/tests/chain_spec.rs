//! The committed `chain-spec/local.json` is what the node builds today, and every chain spec
//! tells wallets the token is PGT with 12 decimals and SS58 prefix 42.
//!
//! The genesis runtime blob (`:code`) is the one part not compared byte for byte: rustc puts
//! hashes of the crates' paths into the wasm (type ids, item order), so two checkouts at
//! different paths build different bytes of the same runtime. Instead, a node started from the
//! committed spec must report exactly the runtime version and metadata (every call, event,
//! storage item, type and constant) of a node started from a fresh build.

use anyhow::{bail, ensure, Context, Result};
use playnet_tests::node_key::{local_validator_node_key, peer_id};
use playnet_tests::{local_chain_spec, node_binary, NodeBuilder};
use serde_json::{json, Value as Json};
use std::process::Command;

/// The command that writes `chain-spec/local.json`; it runs exactly the `build-spec` below.
const REGENERATE: &str = "./scripts/build-spec.sh";

/// The arguments `./scripts/build-spec.sh` passes to `playnet-node build-spec`.
const LOCAL_RAW_SPEC_ARGS: [&str; 4] = ["--chain", "local", "--raw", "--disable-default-bootnode"];

/// How many differing JSON paths a mismatch report lists.
const DIFFERENCES_SHOWN: usize = 10;

/// Runs `playnet-node build-spec <args>` and parses the spec it prints.
fn build_spec(args: &[&str]) -> Result<Json> {
	let output = Command::new(node_binary()?)
		.arg("build-spec")
		.args(args)
		.output()
		.context("cannot run playnet-node build-spec")?;
	ensure!(
		output.status.success(),
		"`playnet-node build-spec {}` failed ({}):\n{}",
		args.join(" "),
		output.status,
		String::from_utf8_lossy(&output.stderr)
	);
	serde_json::from_slice(&output.stdout)
		.with_context(|| format!("`playnet-node build-spec {}` printed no JSON", args.join(" ")))
}

fn committed_local_spec() -> Result<Json> {
	let path = local_chain_spec();
	let text = std::fs::read_to_string(&path).with_context(|| {
		format!("cannot read {}: generate it with {REGENERATE}", path.display())
	})?;
	serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))
}

/// Collects up to `limit` JSON paths where `committed` and `fresh` differ.
fn differences(path: &str, committed: &Json, fresh: &Json, found: &mut Vec<String>, limit: usize) {
	if found.len() >= limit || committed == fresh {
		return;
	}
	match (committed, fresh) {
		(Json::Object(committed), Json::Object(fresh)) => {
			let mut keys: Vec<&String> = committed.keys().chain(fresh.keys()).collect();
			keys.sort();
			keys.dedup();
			for key in keys {
				let child = format!("{path}/{key}");
				match (committed.get(key), fresh.get(key)) {
					(Some(a), Some(b)) => differences(&child, a, b, found, limit),
					(Some(_), None) => found.push(format!("{child}: only in the committed file")),
					(None, Some(_)) => found.push(format!("{child}: only in a fresh build")),
					(None, None) => {}
				}
				if found.len() >= limit {
					return;
				}
			}
		}
		_ => found.push(format!("{path}: committed {}, fresh {}", short(committed), short(fresh))),
	}
}

fn short(value: &Json) -> String {
	let text = value.to_string();
	match text.char_indices().nth(80) {
		Some((cut, _)) => format!("{}…", &text[..cut]),
		None => text,
	}
}

/// The storage key of the runtime blob, `:code`, in a raw spec.
const CODE_KEY: &str = "0x3a636f6465";

/// The spec with its runtime blob taken out (compared through a running node instead).
fn without_code(mut spec: Json) -> Result<Json> {
	let top = spec
		.pointer_mut("/genesis/raw/top")
		.and_then(Json::as_object_mut)
		.context("not a raw spec: no genesis.raw.top")?;
	ensure!(top.remove(CODE_KEY).is_some(), "the raw spec has no :code");
	Ok(spec)
}

#[test]
fn committed_local_spec_matches_a_fresh_raw_build() -> Result<()> {
	let committed = without_code(committed_local_spec()?)?;
	let fresh = without_code(build_spec(&LOCAL_RAW_SPEC_ARGS)?)?;
	if committed != fresh {
		let mut found = Vec::new();
		differences("", &committed, &fresh, &mut found, DIFFERENCES_SHOWN);
		bail!(
			"chain-spec/local.json is stale: it differs from `playnet-node build-spec {}` at\n  \
             {}\nRegenerate it with {REGENERATE} and commit the result.",
			LOCAL_RAW_SPEC_ARGS.join(" "),
			found.join("\n  ")
		);
	}
	Ok(())
}

fn assert_pgt_properties(spec_name: &str, spec: &Json) {
	let properties = &spec["properties"];
	assert_eq!(properties["tokenSymbol"], json!("PGT"), "{spec_name}: tokenSymbol in {properties}");
	assert_eq!(
		properties["tokenDecimals"],
		json!(12),
		"{spec_name}: tokenDecimals in {properties}"
	);
	assert_eq!(properties["ss58Format"], json!(42), "{spec_name}: ss58Format in {properties}");
}

#[test]
fn built_in_dev_and_local_specs_declare_pgt_with_12_decimals_and_ss58_format_42() -> Result<()> {
	for chain in ["dev", "local"] {
		let spec = build_spec(&["--chain", chain, "--disable-default-bootnode"])?;
		assert_pgt_properties(&format!("the built-in {chain} spec"), &spec);
	}
	Ok(())
}

#[test]
fn committed_local_spec_declares_pgt_with_12_decimals_and_ss58_format_42() -> Result<()> {
	assert_pgt_properties("chain-spec/local.json", &committed_local_spec()?);
	Ok(())
}

#[test]
fn committed_local_spec_boots_from_the_four_validators_on_loopback() -> Result<()> {
	let spec = committed_local_spec()?;
	let mut expected = Vec::new();
	for index in 0..4u8 {
		let peer = peer_id(&local_validator_node_key(index))?;
		let port = 30333 + u16::from(index);
		expected.push(json!(format!("/ip4/127.0.0.1/tcp/{port}/p2p/{peer}")));
	}
	assert_eq!(
		spec["bootNodes"],
		Json::Array(expected),
		"the local spec's bootnodes must be Alice, Bob, Charlie and Dave on 127.0.0.1:30333-30336"
	);
	Ok(())
}

#[tokio::test]
async fn committed_runtime_has_the_version_and_metadata_of_a_fresh_build() -> Result<()> {
	let committed = NodeBuilder::chain("committed-spec", local_chain_spec()).spawn().await?;
	let fresh = NodeBuilder::chain("fresh-spec", "local").spawn().await?;
	for method in ["state_getRuntimeVersion", "state_getMetadata"] {
		let (from_committed, from_fresh) = (
			comparable(committed.request(method, vec![]).await?),
			comparable(fresh.request(method, vec![]).await?),
		);
		ensure!(
			from_committed == from_fresh,
			"the runtime in chain-spec/local.json is stale: its {method} differs from the node's \
			 own build.\nRegenerate it with {REGENERATE} and commit the result."
		);
	}
	Ok(())
}

/// The runtime version lists its APIs in an order that, like the blob's bytes, depends on the
/// build path: compare them as a set.
fn comparable(mut answer: Json) -> Json {
	if let Some(Json::Array(apis)) = answer.get_mut("apis") {
		apis.sort_by_key(|api| api.to_string());
	}
	answer
}
