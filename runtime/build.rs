//! Builds the runtime's wasm blob (in `std` builds only).
//!
//! The blob goes into every chain spec, and the committed `chain-spec/local.json` must be
//! reproducible from any checkout. Source paths end up in the blob (panic locations), so the
//! checkout, cargo home and target directories are remapped to fixed names, and the symbol
//! names (whose hashes depend on those paths) are left out.

fn main() {
	#[cfg(feature = "std")]
	{
		use std::path::{Path, PathBuf};

		let manifest_dir =
			PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
		let workspace = manifest_dir.parent().unwrap_or(&manifest_dir).to_path_buf();
		let cargo_home = std::env::var_os("CARGO_HOME")
			.map(PathBuf::from)
			.or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")));
		// OUT_DIR is <target>/<profile>/build/<crate>-<hash>/out.
		let target_dir = std::env::var_os("OUT_DIR")
			.map(PathBuf::from)
			.and_then(|out| out.ancestors().nth(4).map(Path::to_path_buf));

		let mut builder = substrate_wasm_builder::WasmBuilder::new()
			.with_current_project()
			.export_heap_base()
			.import_memory()
			// Symbol names carry hashes of the crates' paths; without a name section the blob
			// does not depend on where the checkout is.
			.append_to_rust_flags("-Clink-arg=--strip-all");
		// The longest prefix must come last: rustc applies the last matching remap.
		let mut remaps: Vec<(PathBuf, &str)> = vec![(workspace, "/playnet")];
		if let Some(home) = cargo_home {
			remaps.push((home, "/cargo"));
		}
		if let Some(target) = target_dir {
			remaps.push((target, "/target"));
		}
		remaps.sort_by_key(|(path, _)| path.as_os_str().len());
		// RUSTFLAGS are split at whitespace: a path containing some cannot be remapped.
		for (from, to) in
			remaps.into_iter().filter(|(p, _)| !p.to_string_lossy().contains(char::is_whitespace))
		{
			builder = builder
				.append_to_rust_flags(format!("--remap-path-prefix={}={to}", from.display()));
		}
		builder.build();
	}
}
