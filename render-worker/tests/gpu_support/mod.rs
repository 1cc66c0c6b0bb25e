//! Shared by the GPU tests: the one GPU renderer of the test process, or a decision to skip.
//!
//! These tests never need a real GPU: Mesa's lavapipe (package mesa-vulkan-drivers) is a
//! Vulkan adapter on any CPU. With no adapter at all they fail, unless
//! `PLAYNET_ALLOW_NO_GPU=1` says that is expected, in which case they are skipped.

use playnet_render::{gpu::GpuRenderer, RenderError};
use std::sync::OnceLock;

pub fn gpu() -> Option<&'static GpuRenderer> {
	static GPU: OnceLock<Option<GpuRenderer>> = OnceLock::new();
	GPU.get_or_init(|| match GpuRenderer::new() {
		Ok(gpu) => {
			eprintln!("GPU tests run on {}", gpu.adapter());
			Some(gpu)
		}
		Err(RenderError::NoAdapter(reason)) => {
			if std::env::var("PLAYNET_ALLOW_NO_GPU").as_deref() == Ok("1") {
				eprintln!("no GPU adapter ({reason}); skipping GPU tests (PLAYNET_ALLOW_NO_GPU=1)");
				None
			} else {
				panic!(
					"no GPU adapter ({reason}). Install lavapipe (apt-get install \
					 mesa-vulkan-drivers libvulkan1) or set PLAYNET_ALLOW_NO_GPU=1 to skip"
				);
			}
		}
		Err(error) => panic!("the GPU path does not start: {error}"),
	})
	.as_ref()
}
