//! Render tasks and the integer render kernel.

pub mod camera;
pub mod fixed;
pub mod frame;
pub mod kernel;
pub mod scene;
pub mod spec;
