//! The player's body: walking and flying with collisions against the blocks, the camera it
//! carries, and the block it points at.
//!
//! Positions are in blocks as `f64` (the feet's centre); the camera handed to the kernel is
//! the eye rounded to Q16.16, so a frame is a pure function of the world and that camera.

use playnet_primitives::{
	render::{camera::TAN_HALF_FOV, spec::MAX_PITCH},
	world::blocks::{AIR, WATER},
	BlockId, CameraKeyframe,
};

/// Half the player's width, in blocks.
pub const HALF_WIDTH: f64 = 0.3;
/// The player's height, in blocks.
pub const HEIGHT: f64 = 1.8;
/// The eye above the feet, in blocks.
pub const EYE: f64 = 1.62;
/// Walking speed, blocks per second.
pub const WALK_SPEED: f64 = 4.3;
/// Sprinting speed, blocks per second.
pub const SPRINT_SPEED: f64 = 5.6;
/// Flying speed, blocks per second.
pub const FLY_SPEED: f64 = 10.0;
/// Gravity, blocks per second squared.
pub const GRAVITY: f64 = 28.0;
/// Upward speed of a jump (a little over one block high).
pub const JUMP_SPEED: f64 = 8.6;
/// Sinking in water, blocks per second squared.
pub const WATER_GRAVITY: f64 = 6.0;
/// Swimming up or sinking at most, blocks per second.
pub const SWIM_SPEED: f64 = 3.0;
/// The fastest fall, blocks per second.
pub const TERMINAL_SPEED: f64 = 50.0;
/// How far the player reaches to break or place, in blocks.
pub const REACH: f64 = 6.0;
/// The longest physics step; a slower frame is split into steps this long.
const MAX_STEP: f64 = 0.05;
/// Radians per binary turn.
const TURN: f64 = std::f64::consts::TAU / 65536.0;

/// The world as the body sees it: the block at a position, `None` where nothing is loaded
/// (solid to the body and opaque to its aim, so nobody falls through unloaded ground).
pub trait Blocks {
	/// The block at world position `at`.
	fn block(&self, at: [i32; 3]) -> Option<BlockId>;
}

fn solid(world: &impl Blocks, at: [i32; 3]) -> bool {
	!matches!(world.block(at), Some(AIR) | Some(WATER))
}

/// What the player holds down this frame.
#[derive(Clone, Copy, Default, Debug, PartialEq)]
pub struct Controls {
	/// W minus S: +1 forward.
	pub forward: f64,
	/// D minus A: +1 to the right.
	pub right: f64,
	/// Space: jump, or rise when flying.
	pub up: bool,
	/// Shift: sink when flying.
	pub down: bool,
	/// Ctrl: sprint.
	pub sprint: bool,
}

/// The player's body.
#[derive(Clone, Debug, PartialEq)]
pub struct Player {
	/// Centre of the feet, in blocks.
	pub position: [f64; 3],
	/// Velocity, blocks per second.
	pub velocity: [f64; 3],
	/// Heading in radians: 0 looks along +z, a quarter turn along +x (the kernel's convention).
	pub yaw: f64,
	/// Elevation in radians, positive up, within the kernel's limit.
	pub pitch: f64,
	/// Whether gravity is off.
	pub flying: bool,
	/// Whether the feet rest on a block.
	pub on_ground: bool,
}

impl Player {
	/// A player standing (or falling) with its feet at `position`.
	pub fn new(position: [f64; 3], yaw: f64, pitch: f64) -> Self {
		let mut player = Player {
			position,
			velocity: [0.0; 3],
			yaw,
			pitch: 0.0,
			flying: false,
			on_ground: false,
		};
		player.look(0.0, pitch);
		player
	}

	/// Turns by `yaw` and `pitch` radians; pitch stops short of straight up or down.
	pub fn look(&mut self, yaw: f64, pitch: f64) {
		self.yaw = (self.yaw + yaw).rem_euclid(std::f64::consts::TAU);
		let limit = MAX_PITCH as f64 * TURN;
		self.pitch = (self.pitch + pitch).clamp(-limit, limit);
	}

	/// The eye, in blocks.
	pub fn eye(&self) -> [f64; 3] {
		[self.position[0], self.position[1] + EYE, self.position[2]]
	}

	/// The unit view direction.
	pub fn forward(&self) -> [f64; 3] {
		let (sy, cy) = self.yaw.sin_cos();
		let (sp, cp) = self.pitch.sin_cos();
		[cp * sy, sp, cp * cy]
	}

	/// The camera the kernel renders: the eye in Q16.16, heading and elevation in binary turns.
	pub fn camera(&self) -> CameraKeyframe {
		let eye = self.eye();
		let yaw = (self.yaw / TURN).round() as i32;
		CameraKeyframe {
			frame: 0,
			position: eye.map(|v| (v * 65536.0).round() as i32),
			yaw: if yaw > 32768 { yaw - 65536 } else { yaw },
			pitch: ((self.pitch / TURN).round() as i32).clamp(-MAX_PITCH, MAX_PITCH),
		}
	}

	/// Where world point `point` appears in a `width` x `height` view from the eye, as the
	/// kernel's camera projects it: the pixel (x right, y down) and pixels per block at that
	/// depth; `None` behind or right at the eye.
	pub fn project(&self, point: [f64; 3], width: u32, height: u32) -> Option<(f64, f64, f64)> {
		let eye = self.eye();
		let d = [point[0] - eye[0], point[1] - eye[1], point[2] - eye[2]];
		let dot = |a: [f64; 3], b: [f64; 3]| a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
		let (sy, cy) = self.yaw.sin_cos();
		let (sp, cp) = self.pitch.sin_cos();
		let right = [cy, 0.0, -sy];
		let up = [-sp * sy, cp, -sp * cy];
		let depth = dot(d, self.forward());
		if depth < 0.25 {
			return None;
		}
		let tan = TAN_HALF_FOV as f64 / 65536.0;
		// Half the height spans `tan` at depth 1, as in the kernel's rays.
		let scale = height as f64 / 2.0 / tan / depth;
		Some((
			width as f64 / 2.0 + dot(d, right) * scale,
			height as f64 / 2.0 - dot(d, up) * scale,
			scale,
		))
	}

	/// Advances the body by `dt` seconds under `controls`, colliding with `world`'s blocks.
	pub fn step(&mut self, world: &impl Blocks, controls: Controls, dt: f64) {
		let mut left = dt.clamp(0.0, 1.0);
		while left > 0.0 {
			let dt = left.min(MAX_STEP);
			self.step_once(world, controls, dt);
			left -= dt;
		}
	}

	fn step_once(&mut self, world: &impl Blocks, controls: Controls, dt: f64) {
		let (sy, cy) = self.yaw.sin_cos();
		let (mut f, mut r) = (controls.forward.clamp(-1.0, 1.0), controls.right.clamp(-1.0, 1.0));
		let length = (f * f + r * r).sqrt();
		if length > 1.0 {
			f /= length;
			r /= length;
		}
		let speed = if self.flying {
			FLY_SPEED
		} else if controls.sprint {
			SPRINT_SPEED
		} else {
			WALK_SPEED
		};
		// Forward is (sin yaw, 0, cos yaw); right is (cos yaw, 0, -sin yaw).
		self.velocity[0] = (f * sy + r * cy) * speed;
		self.velocity[2] = (f * cy - r * sy) * speed;
		if self.flying {
			self.velocity[1] = match (controls.up, controls.down) {
				(true, false) => FLY_SPEED,
				(false, true) => -FLY_SPEED,
				_ => 0.0,
			};
		} else if self.in_water(world) {
			// Swimming: slow sinking, Space swims up.
			self.velocity[1] = if controls.up {
				SWIM_SPEED
			} else {
				(self.velocity[1] - WATER_GRAVITY * dt).max(-SWIM_SPEED)
			};
		} else {
			if controls.up && self.on_ground {
				self.velocity[1] = JUMP_SPEED;
			}
			self.velocity[1] = (self.velocity[1] - GRAVITY * dt).max(-TERMINAL_SPEED);
		}
		self.on_ground = false;
		for axis in [1, 0, 2] {
			let delta = self.velocity[axis] * dt;
			if delta != 0.0 {
				self.move_axis(world, axis, delta);
			}
		}
	}

	/// Moves along one axis, stopping flush against the first solid block in the way.
	fn move_axis(&mut self, world: &impl Blocks, axis: usize, delta: f64) {
		let mut next = self.position;
		next[axis] += delta;
		let (low, high) = bounds(next);
		let cells = |a: usize| (low[a].floor() as i32)..=((high[a] - 1e-9).floor() as i32);
		let mut blocked: Option<i32> = None;
		for x in cells(0) {
			for y in cells(1) {
				for z in cells(2) {
					if solid(world, [x, y, z]) {
						let cell = [x, y, z][axis];
						blocked = Some(match blocked {
							None => cell,
							Some(b) if delta > 0.0 => b.min(cell),
							Some(b) => b.max(cell),
						});
					}
				}
			}
		}
		match blocked {
			None => self.position = next,
			Some(cell) => {
				let (low_extent, high_extent) = extents(axis);
				let flush = if delta > 0.0 {
					cell as f64 - high_extent - 1e-6
				} else {
					cell as f64 + 1.0 + low_extent + 1e-6
				};
				// Never pulled back past where it stood (a body already inside a block stays).
				self.position[axis] = if delta > 0.0 {
					flush.max(self.position[axis]).min(next[axis])
				} else {
					flush.min(self.position[axis]).max(next[axis])
				};
				if axis == 1 && delta < 0.0 {
					self.on_ground = true;
				}
				self.velocity[axis] = 0.0;
			}
		}
	}

	/// Whether the body's middle is in water.
	pub fn in_water(&self, world: &impl Blocks) -> bool {
		let p = self.position;
		world.block([p[0], p[1] + HEIGHT / 2.0, p[2]].map(|v| v.floor() as i32)) == Some(WATER)
	}

	/// Whether the body overlaps block cell `cell`.
	pub fn overlaps(&self, cell: [i32; 3]) -> bool {
		let (low, high) = bounds(self.position);
		(0..3).all(|a| low[a] < cell[a] as f64 + 1.0 && high[a] > cell[a] as f64)
	}

	/// Lifts the body up out of solid blocks (at most `limit` blocks), for a spawn point.
	pub fn settle(&mut self, world: &impl Blocks, limit: i32) {
		for _ in 0..limit {
			let (low, high) = bounds(self.position);
			let inside = (low[0].floor() as i32..=(high[0] - 1e-9).floor() as i32).any(|x| {
				(low[1].floor() as i32..=(high[1] - 1e-9).floor() as i32).any(|y| {
					(low[2].floor() as i32..=(high[2] - 1e-9).floor() as i32)
						.any(|z| solid(world, [x, y, z]))
				})
			});
			if !inside {
				return;
			}
			self.position[1] = self.position[1].floor() + 1.0;
		}
	}
}

/// How far the body reaches below and above its position along `axis`.
fn extents(axis: usize) -> (f64, f64) {
	if axis == 1 {
		(0.0, HEIGHT)
	} else {
		(HALF_WIDTH, HALF_WIDTH)
	}
}

/// The body's box at `position`.
fn bounds(position: [f64; 3]) -> ([f64; 3], [f64; 3]) {
	(
		[position[0] - HALF_WIDTH, position[1], position[2] - HALF_WIDTH],
		[position[0] + HALF_WIDTH, position[1] + HEIGHT, position[2] + HALF_WIDTH],
	)
}

/// The block a ray hits first within `reach`, and the empty cell before it (where a placed
/// block goes).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Aim {
	/// The block hit.
	pub block: [i32; 3],
	/// The cell the ray came from, beside the hit face.
	pub before: [i32; 3],
}

/// Walks the cells along the ray from `origin` in direction `dir` (voxel DDA) and returns the
/// first block within `reach` that is neither air nor water (water is looked through, and a
/// block placed in it replaces it). Unloaded cells stop the ray with no aim.
pub fn aim(world: &impl Blocks, origin: [f64; 3], dir: [f64; 3], reach: f64) -> Option<Aim> {
	let mut cell = origin.map(|v| v.floor() as i32);
	let step = dir.map(|d| if d > 0.0 { 1 } else { -1 });
	let delta = dir.map(|d| if d == 0.0 { f64::INFINITY } else { 1.0 / d.abs() });
	let mut next = [0.0; 3];
	for a in 0..3 {
		next[a] = if dir[a] > 0.0 {
			(cell[a] as f64 + 1.0 - origin[a]) * delta[a]
		} else if dir[a] < 0.0 {
			(origin[a] - cell[a] as f64) * delta[a]
		} else {
			f64::INFINITY
		};
	}
	let mut before = cell;
	loop {
		match world.block(cell) {
			None => return None,
			Some(AIR) | Some(WATER) => {}
			Some(_) => return Some(Aim { block: cell, before }),
		}
		let axis = if next[0] <= next[1] && next[0] <= next[2] {
			0
		} else if next[1] <= next[2] {
			1
		} else {
			2
		};
		if next[axis] > reach {
			return None;
		}
		before = cell;
		cell[axis] += step[axis];
		next[axis] += delta[axis];
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use playnet_primitives::world::blocks::STONE;
	use std::collections::HashMap;

	/// Stone up to y = 0 over x, z in -8..8, air above, nothing loaded elsewhere.
	struct Floor(HashMap<[i32; 3], BlockId>);

	impl Floor {
		fn new() -> Self {
			Floor(HashMap::new())
		}
		fn with(mut self, at: [i32; 3], block: BlockId) -> Self {
			self.0.insert(at, block);
			self
		}
	}

	impl Blocks for Floor {
		fn block(&self, at: [i32; 3]) -> Option<BlockId> {
			if !(-8..8).contains(&at[0]) || !(-8..8).contains(&at[2]) {
				return None;
			}
			Some(self.0.get(&at).copied().unwrap_or(if at[1] <= 0 { STONE } else { AIR }))
		}
	}

	#[test]
	fn a_falling_player_lands_on_the_floor_and_stays() {
		let floor = Floor::new();
		let mut player = Player::new([0.5, 5.0, 0.5], 0.0, 0.0);
		for _ in 0..100 {
			player.step(&floor, Controls::default(), 1.0 / 60.0);
		}
		assert!((player.position[1] - 1.0).abs() < 1e-3, "{:?}", player.position);
		assert!(player.on_ground);
		assert_eq!(player.velocity[1], 0.0);
	}

	#[test]
	fn walking_forward_follows_the_heading_and_a_wall_stops_it() {
		let floor = Floor::new();
		// Yaw 0 walks along +z.
		let mut player = Player::new([0.5, 1.0, 0.5], 0.0, 0.0);
		player.step(&floor, Controls { forward: 1.0, ..Default::default() }, 0.5);
		assert!((player.position[2] - (0.5 + WALK_SPEED * 0.5)).abs() < 1e-6);
		assert!((player.position[0] - 0.5).abs() < 1e-9);
		// A quarter turn walks along +x, and strafing right from +z walks along +x too.
		let mut turned = Player::new([0.5, 1.0, 0.5], std::f64::consts::FRAC_PI_2, 0.0);
		turned.step(&floor, Controls { forward: 1.0, ..Default::default() }, 0.1);
		assert!(turned.position[0] > 0.9);
		let mut strafing = Player::new([0.5, 1.0, 0.5], 0.0, 0.0);
		strafing.step(&floor, Controls { right: 1.0, ..Default::default() }, 0.1);
		assert!(strafing.position[0] > 0.9 && (strafing.position[2] - 0.5).abs() < 1e-9);
		// A two-block wall at z = 3 stops the body flush against it.
		let walled = Floor::new().with([0, 1, 3], STONE).with([0, 2, 3], STONE);
		let mut blocked = Player::new([0.5, 1.0, 0.5], 0.0, 0.0);
		blocked.step(&walled, Controls { forward: 1.0, ..Default::default() }, 2.0);
		assert!((blocked.position[2] - (3.0 - HALF_WIDTH)).abs() < 1e-4, "{:?}", blocked.position);
	}

	#[test]
	fn a_jump_clears_one_block_but_not_two() {
		let step = Floor::new().with([0, 1, 2], STONE);
		let mut player = Player::new([0.5, 1.0, 0.5], 0.0, 0.0);
		player.step(&step, Controls::default(), 0.1);
		for _ in 0..60 {
			player.step(
				&step,
				Controls { forward: 1.0, up: true, ..Default::default() },
				1.0 / 60.0,
			);
		}
		assert!(player.position[2] > 2.5 && player.position[1] >= 2.0, "{:?}", player.position);

		let wall = Floor::new().with([0, 1, 2], STONE).with([0, 2, 2], STONE);
		let mut player = Player::new([0.5, 1.0, 0.5], 0.0, 0.0);
		for _ in 0..60 {
			player.step(
				&wall,
				Controls { forward: 1.0, up: true, ..Default::default() },
				1.0 / 60.0,
			);
		}
		assert!(player.position[2] < 2.0, "{:?}", player.position);
	}

	#[test]
	fn unloaded_ground_holds_the_player_up() {
		// Beyond x = 8 nothing is loaded: the body does not walk into it.
		let floor = Floor::new();
		let mut player = Player::new([6.5, 1.0, 0.5], std::f64::consts::FRAC_PI_2, 0.0);
		player.step(&floor, Controls { forward: 1.0, ..Default::default() }, 2.0);
		assert!(player.position[0] <= 8.0 - HALF_WIDTH + 1e-4, "{:?}", player.position);
	}

	#[test]
	fn water_is_swum_in_and_looked_through() {
		// A pool: water from y = 1 to 4 over the floor.
		let mut pool = Floor::new();
		for x in -8..8 {
			for z in -8..8 {
				for y in 1..=4 {
					pool = pool.with([x, y, z], WATER);
				}
			}
		}
		let mut player = Player::new([0.5, 3.0, 0.5], 0.0, 0.0);
		player.step(&pool, Controls::default(), 0.2);
		// Sinks, but slower than a fall.
		assert!(player.position[1] < 3.0 && player.position[1] > 3.0 - 0.5 * GRAVITY * 0.04);
		player.step(&pool, Controls { up: true, ..Default::default() }, 0.5);
		assert!(player.position[1] > 3.0);
		// Aimed straight down from inside the water, the floor is hit and the water above
		// it is where a block goes.
		let mut diver = Player::new([0.5, 1.0, 0.5], 0.0, 0.0);
		diver.look(0.0, -10.0);
		let hit = aim(&pool, diver.eye(), diver.forward(), REACH).unwrap();
		assert_eq!(hit.block, [0, 0, 0]);
		assert_eq!(hit.before, [0, 1, 0]);
	}

	#[test]
	fn flying_ignores_gravity() {
		let floor = Floor::new();
		let mut player = Player::new([0.5, 5.0, 0.5], 0.0, 0.0);
		player.flying = true;
		player.step(&floor, Controls::default(), 1.0);
		assert_eq!(player.position[1], 5.0);
		player.step(&floor, Controls { up: true, ..Default::default() }, 0.5);
		assert!((player.position[1] - 10.0).abs() < 1e-9);
	}

	#[test]
	fn the_aim_finds_the_block_looked_at_and_the_cell_before_it() {
		let floor = Floor::new();
		// Standing at (0.5, 1, 0.5), looking straight along +z and down 45 degrees.
		let mut player = Player::new([0.5, 1.0, 0.5], 0.0, 0.0);
		player.look(0.0, -std::f64::consts::FRAC_PI_4);
		let hit = aim(&floor, player.eye(), player.forward(), REACH).unwrap();
		assert_eq!(hit.block, [0, 0, 2]);
		assert_eq!(hit.before, [0, 1, 2]);
		// Looking level there is nothing within reach.
		let level = Player::new([0.5, 1.0, 0.5], 0.0, 0.0);
		assert_eq!(aim(&floor, level.eye(), level.forward(), REACH), None);
	}

	#[test]
	fn other_players_are_projected_where_the_kernel_draws_their_place() {
		// Looking along +z from (0.5, 1, 0.5).
		let player = Player::new([0.5, 1.0, 0.5], 0.0, 0.0);
		let eye = player.eye();
		// Straight ahead: the middle of the view; nearer is larger.
		let (x, y, far) = player.project([eye[0], eye[1], eye[2] + 10.0], 640, 360).unwrap();
		assert!((x - 320.0).abs() < 1e-9 && (y - 180.0).abs() < 1e-9);
		let (_, _, near) = player.project([eye[0], eye[1], eye[2] + 5.0], 640, 360).unwrap();
		assert!((near - 2.0 * far).abs() < 1e-9);
		// To the right (+x) and below: right of and under the middle.
		let (x, y, _) =
			player.project([eye[0] + 1.0, eye[1] - 1.0, eye[2] + 10.0], 640, 360).unwrap();
		assert!(x > 320.0 && y > 180.0);
		// At the top edge of the view: tan(half the field of view) up at depth 1.
		let tan = TAN_HALF_FOV as f64 / 65536.0;
		let (_, y, _) = player.project([eye[0], eye[1] + tan, eye[2] + 1.0], 640, 360).unwrap();
		assert!(y.abs() < 1e-9);
		// Behind: nowhere.
		assert_eq!(player.project([eye[0], eye[1], eye[2] - 3.0], 640, 360), None);
		// Turned a quarter turn right, +x is straight ahead.
		let turned = Player::new([0.5, 1.0, 0.5], std::f64::consts::FRAC_PI_2, 0.0);
		let (x, _, _) = turned.project([eye[0] + 4.0, eye[1], eye[2]], 640, 360).unwrap();
		assert!((x - 320.0).abs() < 1e-6);
	}

	#[test]
	fn the_camera_is_the_eye_in_q16_and_the_heading_in_turns() {
		let player = Player::new([1.5, 70.0, -2.25], std::f64::consts::PI * 1.5, 0.0);
		let camera = player.camera();
		assert_eq!(camera.position, [98_304, ((70.0 + EYE) * 65536.0f64).round() as i32, -147_456]);
		assert_eq!(camera.yaw, -16_384);
		assert_eq!(camera.pitch, 0);
		let mut up = player.clone();
		up.look(0.0, 10.0);
		assert_eq!(up.camera().pitch, MAX_PITCH);
	}
}
