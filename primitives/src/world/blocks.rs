//! Known block ids and their colours.
//!
//! The table is part of the render kernel's specification: the WGSL shader carries the same
//! colours (`render-worker/src/gpu/kernel.wgsl`), and changing one is a new kernel version.

/// A block id. Id 0 is air; ids below [`BLOCK_COUNT`] are the known blocks below.
pub type BlockId = u16;

/// Empty space; rays pass through it.
pub const AIR: BlockId = 0;
/// Stone.
pub const STONE: BlockId = 1;
/// Dirt.
pub const DIRT: BlockId = 2;
/// Grass: green on top, dirt with a green fringe on the sides.
pub const GRASS: BlockId = 3;
/// Sand.
pub const SAND: BlockId = 4;
/// Water: rays pass through it and are tinted by the distance travelled after entering it.
pub const WATER: BlockId = 5;
/// A tree trunk.
pub const WOOD: BlockId = 6;
/// Tree leaves.
pub const LEAVES: BlockId = 7;
/// Gravel.
pub const GRAVEL: BlockId = 8;
/// Snow.
pub const SNOW: BlockId = 9;
/// Bedrock: the bottom of the world.
pub const BEDROCK: BlockId = 10;
/// Wooden planks.
pub const PLANKS: BlockId = 11;
/// Bricks.
pub const BRICK: BlockId = 12;
/// Cobblestone.
pub const COBBLESTONE: BlockId = 13;
/// Coal ore.
pub const COAL_ORE: BlockId = 14;
/// Glowstone-like lamp block.
pub const LAMP: BlockId = 15;

/// Number of known block ids; ids `0..BLOCK_COUNT` are known.
pub const BLOCK_COUNT: BlockId = 16;

/// Base colour of each known block as `0xRRGGBB`, indexed by id.
pub const BLOCK_COLORS: [u32; BLOCK_COUNT as usize] = [
	0x000000, // air (never drawn)
	0x7d7d7d, // stone
	0x8b5e3c, // dirt
	0x5da130, // grass (top)
	0xdccf8e, // sand
	0x2f5fd0, // water
	0x6b4e2e, // wood
	0x3f8a2a, // leaves
	0x8a8580, // gravel
	0xf0f4f8, // snow
	0x3a3a3a, // bedrock
	0xb48a52, // planks
	0x9c4a3a, // bricks
	0x6e6e6e, // cobblestone
	0x5a5a5a, // coal ore
	0xf5d77a, // lamp
];

/// Whether `id` is one of the known blocks.
pub fn is_known(id: BlockId) -> bool {
	id < BLOCK_COUNT
}

/// The colour the kernel draws for `id` as `0xRRGGBB`: the table entry for known ids, a
/// colour derived from the id's bits for unknown ones (so a frame never fails to render).
pub fn block_color(id: u32) -> u32 {
	if id < BLOCK_COUNT as u32 {
		BLOCK_COLORS[id as usize]
	} else {
		0x800080 | ((id & 0x3f) << 10)
	}
}
