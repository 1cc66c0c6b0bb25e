//! The wgpu compute path: the WGSL transcription of the kernel, one invocation per pixel.

mod shader;

pub use shader::shader_source;

use crate::RenderError;
use playnet_primitives::{FrameCamera, Scene};
use std::sync::{mpsc, Arc};
use wgpu::util::DeviceExt;

/// `i32` parameters per dispatch (see the layout comment in `kernel.wgsl`).
const PARAM_COUNT: usize = 29;
/// Rows per dispatch: keeps each submission short so drivers with watchdogs stay happy.
const ROWS_PER_DISPATCH: u32 = 256;

/// What adapter the GPU path runs on.
#[derive(Clone, Debug)]
pub struct AdapterSummary {
	/// The adapter's name (e.g. "llvmpipe (LLVM 15.0.6, 256 bits)" for lavapipe).
	pub name: String,
	/// The backend (Vulkan, Metal, Dx12).
	pub backend: String,
	/// The adapter type: discrete, integrated, CPU...
	pub device_type: String,
	/// The driver and its version.
	pub driver: String,
}

impl std::fmt::Display for AdapterSummary {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		write!(f, "{} ({}, {}, {})", self.name, self.backend, self.device_type, self.driver)
	}
}

/// A GPU device with the kernel's pipeline built.
pub struct GpuRenderer {
	device: wgpu::Device,
	queue: wgpu::Queue,
	pipeline: wgpu::ComputePipeline,
	adapter: AdapterSummary,
}

impl GpuRenderer {
	/// Finds an adapter (any backend wgpu was built with; a software adapter such as lavapipe
	/// counts) and builds the pipeline. `Err(NoAdapter)` when there is none.
	pub fn new() -> Result<Self, RenderError> {
		pollster::block_on(Self::new_async())
	}

	async fn new_async() -> Result<Self, RenderError> {
		let mut descriptor = wgpu::InstanceDescriptor::new_without_display_handle();
		descriptor.backends = wgpu::Backends::PRIMARY;
		let instance = wgpu::Instance::new(descriptor);
		let adapter = instance
			.request_adapter(&wgpu::RequestAdapterOptions {
				power_preference: wgpu::PowerPreference::HighPerformance,
				..Default::default()
			})
			.await
			.map_err(|e| RenderError::NoAdapter(e.to_string()))?;
		let info = adapter.get_info();
		let summary = AdapterSummary {
			name: info.name.clone(),
			backend: format!("{:?}", info.backend),
			device_type: format!("{:?}", info.device_type),
			driver: format!("{} {}", info.driver, info.driver_info).trim().to_string(),
		};
		let mut limits = wgpu::Limits::downlevel_defaults();
		let adapter_limits = adapter.limits();
		limits.max_storage_buffer_binding_size = adapter_limits.max_storage_buffer_binding_size;
		limits.max_buffer_size = adapter_limits.max_buffer_size;
		let (device, queue) = adapter
			.request_device(&wgpu::DeviceDescriptor {
				label: Some("playnet-render"),
				required_limits: limits,
				..Default::default()
			})
			.await
			.map_err(|e| RenderError::Gpu(format!("cannot open {summary}: {e}")))?;
		device.on_uncaptured_error(Arc::new(|error: wgpu::Error| {
			tracing::error!("wgpu error: {error}");
		}));

		let scope = device.push_error_scope(wgpu::ErrorFilter::Validation);
		let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
			label: Some("playnet kernel"),
			source: wgpu::ShaderSource::Wgsl(shader_source().into()),
		});
		let pipeline = device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
			label: Some("playnet kernel"),
			layout: None,
			module: &module,
			entry_point: Some("main"),
			compilation_options: Default::default(),
			cache: None,
		});
		if let Some(error) = scope.pop().await {
			return Err(RenderError::Gpu(format!("kernel does not build: {error}")));
		}
		Ok(GpuRenderer { device, queue, pipeline, adapter: summary })
	}

	/// The adapter in use.
	pub fn adapter(&self) -> &AdapterSummary {
		&self.adapter
	}

	/// Uploads `scene` for the frames that follow.
	pub fn bind(&self, scene: &Scene) -> Result<GpuScene<'_>, RenderError> {
		// Storage buffers may not be empty: an all-air scene still gets one word.
		let blocks: &[u32] =
			if scene.packed_blocks().is_empty() { &[0] } else { scene.packed_blocks() };
		let max = self.device.limits().max_storage_buffer_binding_size as usize;
		if blocks.len() * 4 > max {
			return Err(RenderError::Gpu(format!(
				"scene needs {} bytes of blocks; this adapter binds at most {max}",
				blocks.len() * 4
			)));
		}
		let slots = self.device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
			label: Some("slots"),
			contents: bytemuck::cast_slice(scene.slots()),
			usage: wgpu::BufferUsages::STORAGE,
		});
		let blocks = self.device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
			label: Some("blocks"),
			contents: bytemuck::cast_slice(blocks),
			usage: wgpu::BufferUsages::STORAGE,
		});
		Ok(GpuScene { gpu: self, scene: scene.clone(), slots, blocks })
	}
}

/// A scene uploaded to the GPU.
pub struct GpuScene<'a> {
	gpu: &'a GpuRenderer,
	scene: Scene,
	slots: wgpu::Buffer,
	blocks: wgpu::Buffer,
}

impl GpuScene<'_> {
	fn params(&self, camera: &FrameCamera, row_offset: u32, rows: u32) -> [i32; PARAM_COUNT] {
		let mut p = [0i32; PARAM_COUNT];
		p[0..3].copy_from_slice(&camera.origin);
		p[3..6].copy_from_slice(&camera.forward);
		p[6..9].copy_from_slice(&camera.right);
		p[9..12].copy_from_slice(&camera.up);
		p[12] = camera.width as i32;
		p[13] = camera.height as i32;
		p[14] = camera.pixel_scale;
		p[15..18].copy_from_slice(&self.scene.min_block());
		p[18..21].copy_from_slice(&self.scene.max_block());
		p[21..24].copy_from_slice(&self.scene.min_chunk());
		let dims = self.scene.dims();
		p[24..27].copy_from_slice(&[dims[0] as i32, dims[1] as i32, dims[2] as i32]);
		p[27] = row_offset as i32;
		p[28] = rows as i32;
		p
	}

	/// Renders rows `rows` of the frame seen by `camera`; returns them row-major.
	pub fn render_rows(
		&self,
		camera: &FrameCamera,
		rows: std::ops::Range<u32>,
	) -> Result<Vec<u32>, RenderError> {
		let gpu = self.gpu;
		let width = camera.width;
		let mut out = Vec::with_capacity((width * rows.len() as u32) as usize);
		let mut row = rows.start;
		while row < rows.end {
			let count = ROWS_PER_DISPATCH.min(rows.end - row);
			let bytes = (width * count) as u64 * 4;
			let params = gpu.device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
				label: Some("params"),
				contents: bytemuck::cast_slice(&self.params(camera, row, count)),
				usage: wgpu::BufferUsages::STORAGE,
			});
			let pixels = gpu.device.create_buffer(&wgpu::BufferDescriptor {
				label: Some("pixels"),
				size: bytes,
				usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC,
				mapped_at_creation: false,
			});
			let readback = gpu.device.create_buffer(&wgpu::BufferDescriptor {
				label: Some("readback"),
				size: bytes,
				usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
				mapped_at_creation: false,
			});
			let layout = gpu.pipeline.get_bind_group_layout(0);
			let bind_group = gpu.device.create_bind_group(&wgpu::BindGroupDescriptor {
				label: Some("kernel"),
				layout: &layout,
				entries: &[
					wgpu::BindGroupEntry { binding: 0, resource: params.as_entire_binding() },
					wgpu::BindGroupEntry { binding: 1, resource: self.slots.as_entire_binding() },
					wgpu::BindGroupEntry { binding: 2, resource: self.blocks.as_entire_binding() },
					wgpu::BindGroupEntry { binding: 3, resource: pixels.as_entire_binding() },
				],
			});
			let mut encoder = gpu.device.create_command_encoder(&Default::default());
			{
				let mut pass = encoder.begin_compute_pass(&Default::default());
				pass.set_pipeline(&gpu.pipeline);
				pass.set_bind_group(0, &bind_group, &[]);
				pass.dispatch_workgroups(width.div_ceil(8), count.div_ceil(8), 1);
			}
			encoder.copy_buffer_to_buffer(&pixels, 0, &readback, 0, bytes);
			gpu.queue.submit([encoder.finish()]);

			let (sender, receiver) = mpsc::channel();
			readback.map_async(wgpu::MapMode::Read, .., move |result| {
				let _ = sender.send(result);
			});
			gpu.device
				.poll(wgpu::PollType::wait_indefinitely())
				.map_err(|e| RenderError::Gpu(format!("device lost while rendering: {e}")))?;
			receiver
				.recv()
				.map_err(|_| RenderError::Gpu("readback never completed".into()))?
				.map_err(|e| RenderError::Gpu(format!("readback failed: {e}")))?;
			{
				let view = readback
					.get_mapped_range(..)
					.map_err(|e| RenderError::Gpu(format!("readback failed: {e}")))?;
				out.extend(
					view.chunks_exact(4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]])),
				);
			}
			readback.unmap();
			row += count;
		}
		Ok(out)
	}
}
