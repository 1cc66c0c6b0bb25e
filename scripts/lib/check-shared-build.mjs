// Checks that `cargo test` reused the build of scripts/build.sh: reads the JSON messages
// (`--message-format=json`) of that build and of `cargo test --no-run`, and fails, naming
// them, if the test build compiled again a library or binary that the build had produced.
// That happens when a dev-dependency or a package selection turns on features of a normal
// dependency: cargo unifies features per command and rebuilds every crate whose features,
// or whose dependencies' features, differ.
//
//   node scripts/lib/check-shared-build.mjs BUILD.json TEST-BUILD.json
import { readFileSync } from "node:fs";

function artifacts(path) {
	return readFileSync(path, "utf8")
		.split("\n")
		.filter((line) => line.startsWith("{"))
		.map((line) => JSON.parse(line))
		.filter((message) => message.reason === "compiler-artifact");
}

// A unit of the build, whatever its features: its package, target and whether it is a test.
const unit = (a) => `${a.package_id} ${a.target.kind.join(",")}:${a.target.name}${a.profile.test ? " (test)" : ""}`;
const label = (a) => {
	const pkg = a.package_id.replace(/^.*[#/]/, "");
	return `${pkg} ${a.target.kind.join(",")} ${a.target.name} [features: ${a.features.join(", ") || "none"}]`;
};

const [buildPath, testPath] = process.argv.slice(2);
if (!buildPath || !testPath) {
	console.error("usage: check-shared-build.mjs BUILD.json TEST-BUILD.json");
	process.exit(2);
}
const built = new Set(artifacts(buildPath).map(unit));
if (built.size === 0) {
	console.error(`[check-shared-build] ${buildPath} has no compiler artifacts: was it built with --message-format=json?`);
	process.exit(2);
}
const test = artifacts(testPath);
const compiled = test.filter((a) => !a.fresh);
const again = compiled.filter((a) => !a.profile.test && built.has(unit(a)));
console.log(
	`[check-shared-build] the test build compiled ${compiled.length} units ` +
		`(${compiled.filter((a) => a.profile.test).length} test targets) on top of the ${built.size} of the build`,
);
if (again.length > 0) {
	console.error(
		`[check-shared-build] the test build compiled ${again.length} units again that scripts/build.sh had built, ` +
			"with other features: a dev-dependency (or a package only the tests select) turns on features of a " +
			"normal dependency. Declare those features where the normal dependency is declared. Compiled again:",
	);
	for (const a of again) console.error(`  ${label(a)}`);
	process.exit(1);
}
