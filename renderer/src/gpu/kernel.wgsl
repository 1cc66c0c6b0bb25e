// Playnet render kernel, version 1: the WGSL transcription of
// primitives/src/render/kernel.rs (the specification). Every function below mirrors the Rust
// function of the same name; the constants come from Rust in a generated prelude
// (see gpu/shader.rs), so they cannot drift.
//
// Integer rules relied on (WGSL spec): i32/u32 + - * wrap; `>>` on i32 is arithmetic;
// i32(u32) and u32(i32) via bitcast keep the bits.

// params[] layout (filled by gpu/mod.rs):
//  0..3  origin      3..6  forward     6..9  right     9..12 up
//  12 width  13 height  14 pixel_scale
//  15..18 scene min block   18..21 scene max block (exclusive)
//  21..24 scene min chunk   24..27 scene dims (chunks)
@group(0) @binding(0) var<storage, read> params: array<i32>;
@group(0) @binding(1) var<storage, read> slots: array<u32>;
@group(0) @binding(2) var<storage, read> blocks: array<u32>;
@group(0) @binding(3) var<storage, read_write> pixels: array<u32>;

fn fx_mul(a: i32, b: i32) -> i32 {
    let ua = bitcast<u32>(a);
    let ub = bitcast<u32>(b);
    let a0 = ua & 0xffffu;
    let a1 = ua >> 16u;
    let b0 = ub & 0xffffu;
    let b1 = ub >> 16u;
    var r = ((a1 * b1) << 16u) + a0 * b1 + a1 * b0 + ((a0 * b0) >> 16u);
    if (a < 0) {
        r = r - (ub << 16u);
    }
    if (b < 0) {
        r = r - (ua << 16u);
    }
    return bitcast<i32>(r);
}

fn hash_u32(v: u32) -> u32 {
    var x = v;
    x = x ^ (x >> 16u);
    x = x * 0x7feb352du;
    x = x ^ (x >> 15u);
    x = x * 0x846ca68bu;
    x = x ^ (x >> 16u);
    return x;
}

fn block_color(id: u32) -> u32 {
    if (id < BLOCK_COUNT) {
        var table = BLOCK_COLORS;
        return table[id];
    }
    return 0x800080u | ((id & 0x3fu) << 10u);
}

fn channel(color: u32, shift: u32) -> i32 {
    return i32((color >> shift) & 0xffu);
}

fn mix_rgb(a: u32, b: u32, f: i32) -> u32 {
    var out = 0u;
    for (var shift = 0u; shift < 24u; shift = shift + 8u) {
        let ca = channel(a, shift);
        let cb = channel(b, shift);
        let c = ca + (((cb - ca) * f) >> 8u);
        out = out | (u32(clamp(c, 0, 255)) << shift);
    }
    return out;
}

fn scale_rgb(color: u32, f: i32) -> u32 {
    var out = 0u;
    for (var shift = 0u; shift < 24u; shift = shift + 8u) {
        let c = (channel(color, shift) * f) >> 8u;
        out = out | (u32(clamp(c, 0, 255)) << shift);
    }
    return out;
}

fn to_rgba(rgb: u32) -> u32 {
    return ((rgb >> 16u) & 0xffu) | (rgb & 0xff00u) | ((rgb & 0xffu) << 16u) | 0xff000000u;
}

fn block_at(cell: vec3<i32>) -> u32 {
    let cx = (cell.x >> 4u) - params[21];
    let cy = (cell.y >> 4u) - params[22];
    let cz = (cell.z >> 4u) - params[23];
    if (cx < 0 || cy < 0 || cz < 0 || cx >= params[24] || cy >= params[25] || cz >= params[26]) {
        return 0u;
    }
    let slot = (u32(cz) * u32(params[25]) + u32(cy)) * u32(params[24]) + u32(cx);
    let index = slots[slot];
    if (index == EMPTY_SLOT) {
        return 0u;
    }
    let local = bitcast<u32>(((cell.y & 15) << 8u) | ((cell.z & 15) << 4u) | (cell.x & 15));
    let word = blocks[index * WORDS_PER_CHUNK + (local >> 1u)];
    return (word >> ((local & 1u) * 16u)) & 0xffffu;
}

fn sky_color(dir: vec3<i32>) -> u32 {
    let f = clamp(dir.y >> 8u, 0, 256);
    let sky = mix_rgb(SKY_HORIZON, SKY_ZENITH, f);
    let sun_dot = fx_mul(dir.x, SUN_DIR_X) + fx_mul(dir.y, SUN_DIR_Y) + fx_mul(dir.z, SUN_DIR_Z);
    if (sun_dot <= 0) {
        return sky;
    }
    let length2 = fx_mul(dir.x, dir.x) + fx_mul(dir.y, dir.y) + fx_mul(dir.z, dir.z);
    let sun_dot2 = fx_mul(sun_dot, sun_dot);
    if (sun_dot2 > fx_mul(length2, SUN_DISC)) {
        return SUN_COLOR;
    }
    let glow = sun_dot2 - fx_mul(length2, SUN_GLOW);
    if (glow > 0) {
        return mix_rgb(sky, SUN_COLOR, clamp(glow >> 5u, 0, 256));
    }
    return sky;
}

fn shade_hit(id: u32, cell: vec3<i32>, axis: i32, step: i32, origin: vec3<i32>, dir: vec3<i32>, t: i32) -> u32 {
    var face = axis * 2;
    if (step > 0) {
        face = face + 1;
    }
    var u_axis = 0;
    var v_axis = 1;
    if (axis == 0) {
        u_axis = 2;
        v_axis = 1;
    } else if (axis == 1) {
        u_axis = 0;
        v_axis = 2;
    }
    let pu = origin[u_axis] + fx_mul(dir[u_axis], t);
    let pv = origin[v_axis] + fx_mul(dir[v_axis], t);
    let tu = (pu & 0xffff) >> 13u;
    let tv = (pv & 0xffff) >> 13u;

    var base = block_color(id);
    if (id == BLOCK_GRASS) {
        if (face == 3 || (axis != 1 && tv < 6)) {
            base = block_color(BLOCK_DIRT);
        }
    }
    var lights = FACE_LIGHT;
    var light = lights[face];
    if (id == BLOCK_LAMP) {
        light = 288;
    }
    let seed = (bitcast<u32>(cell.x) * 73856093u) ^ (bitcast<u32>(cell.y) * 19349663u)
        ^ (bitcast<u32>(cell.z) * 83492791u)
        ^ (bitcast<u32>(tu | (tv << 3u) | (axis << 6u)) * 0x9e3779b1u);
    var texture = 232 + i32(hash_u32(seed) & 31u);
    if (tu == 0 || tu == 7 || tv == 0 || tv == 7) {
        texture = texture - 20;
    }
    return scale_rgb(scale_rgb(base, light), texture);
}

fn ray_direction(x: u32, y: u32) -> vec3<i32> {
    let px = (2 * i32(x) + 1) - params[12];
    let py = params[13] - (2 * i32(y) + 1);
    let sx = (px * params[14]) >> 4u;
    let sy = (py * params[14]) >> 4u;
    var dir = vec3<i32>(0, 0, 0);
    for (var axis = 0; axis < 3; axis = axis + 1) {
        dir[axis] = params[3 + axis] + fx_mul(params[6 + axis], sx) + fx_mul(params[9 + axis], sy);
    }
    return dir;
}

fn render_pixel(x: u32, y: u32) -> u32 {
    let origin = vec3<i32>(params[0], params[1], params[2]);
    let dir = ray_direction(x, y);

    var cell = vec3<i32>(origin.x >> 16u, origin.y >> 16u, origin.z >> 16u);
    var step = vec3<i32>(0, 0, 0);
    var delta = vec3<i32>(T_INF, T_INF, T_INF);
    var t_max = vec3<i32>(T_INF, T_INF, T_INF);
    for (var axis = 0; axis < 3; axis = axis + 1) {
        let d = dir[axis];
        var magnitude = d;
        if (d < 0) {
            magnitude = 0 - d;
        }
        if (magnitude >= MIN_DIR) {
            let q = 0xffffffffu / u32(magnitude);
            if (q > u32(T_INF)) {
                delta[axis] = T_INF;
            } else {
                delta[axis] = i32(q);
            }
            let fraction = origin[axis] & 0xffff;
            var distance = fraction;
            if (d > 0) {
                step[axis] = 1;
                distance = 65536 - fraction;
            } else {
                step[axis] = -1;
            }
            t_max[axis] = fx_mul(distance, delta[axis]);
        }
    }

    let low = vec3<i32>(params[15], params[16], params[17]);
    let high = vec3<i32>(params[18], params[19], params[20]);
    var steps = 0u;
    var in_water = false;
    var water_t = 0;
    var t = 0;
    var hit = false;
    var hit_id = 0u;
    var hit_axis = 0;
    while (steps < MAX_STEPS) {
        var axis = 2;
        if (t_max.x <= t_max.y && t_max.x <= t_max.z) {
            axis = 0;
        } else if (t_max.y <= t_max.z) {
            axis = 1;
        }
        t = t_max[axis];
        if (t > MAX_DIST) {
            break;
        }
        cell[axis] = cell[axis] + step[axis];
        t_max[axis] = t_max[axis] + delta[axis];
        steps = steps + 1u;
        var leaving = false;
        for (var a = 0; a < 3; a = a + 1) {
            if ((cell[a] < low[a] && step[a] <= 0) || (cell[a] >= high[a] && step[a] >= 0)) {
                leaving = true;
            }
        }
        if (leaving) {
            break;
        }
        let id = block_at(cell);
        if (id == 0u) {
            continue;
        }
        if (id == BLOCK_WATER) {
            if (!in_water) {
                in_water = true;
                water_t = t;
            }
            continue;
        }
        hit = true;
        hit_id = id;
        hit_axis = axis;
        break;
    }

    var color = 0u;
    if (hit) {
        color = shade_hit(hit_id, cell, hit_axis, step[hit_axis], origin, dir, t);
        if (in_water) {
            let depth = clamp(80 + ((t - water_t) >> 12u), 0, 230);
            color = mix_rgb(color, WATER_TINT, depth);
        }
        let fog = clamp((t - FOG_START) >> FOG_SHIFT, 0, 256);
        color = mix_rgb(color, SKY_HORIZON, fog);
    } else {
        color = sky_color(dir);
        if (in_water) {
            color = mix_rgb(color, WATER_TINT, 200);
        }
    }
    return to_rgba(color);
}

@compute @workgroup_size(8, 8, 1)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
    let width = u32(params[12]);
    let height = u32(params[13]);
    // Rows [row_offset, row_offset + rows) of the frame are rendered by this dispatch.
    let y = id.y + u32(params[27]);
    if (id.x >= width || y >= height || id.y >= u32(params[28])) {
        return;
    }
    pixels[id.y * width + id.x] = render_pixel(id.x, y);
}
