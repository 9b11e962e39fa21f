//! An ONNX model run by tract (pure Rust), its input checked against the
//! inspection profile before anything runs.

use sha2::{Digest as _, Sha256};
use tract_onnx::prelude::*;

use crate::profile::Profile;

/// Why a model cannot be loaded or run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EngineError {
    /// Not an ONNX model tract can load.
    #[error("cannot load the model: {0}")]
    Load(String),
    /// The model's input is not what the profile describes.
    #[error(
        "the model's input is {model:?} but the profile describes {profile:?} (input.width, input.height, input.channels, input.layout)"
    )]
    InputShape {
        /// The model's input shape.
        model: Vec<usize>,
        /// The profile's.
        profile: Vec<usize>,
    },
    /// Inference failed.
    #[error("inference failed: {0}")]
    Run(String),
}

type Plan = std::sync::Arc<TypedRunnableModel>;

/// Which of Lading's own operators replace tract's where they apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rewrites {
    /// 2×2 stride-2 max-pools ([`crate::pool`]): the same bits as tract's.
    pub pool: bool,
    /// Stride-1 convolutions ([`crate::conv`]): the same bits on every CPU,
    /// within a few units in the last place of tract's.
    pub conv: bool,
}

impl Rewrites {
    /// Every rewrite: what [`Engine::load`] uses.
    pub const ALL: Self = Self { pool: true, conv: true };
    /// tract's own operators only.
    pub const NONE: Self = Self { pool: false, conv: false };
}

/// One output of a run: its shape and values, flattened in row-major order.
pub type Output = (Vec<usize>, Vec<f32>);

/// A loaded model.
pub struct Engine {
    plan: Plan,
    shape: [usize; 4],
    /// SHA-256 of the model file, hex.
    pub sha256: String,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine").field("shape", &self.shape).field("sha256", &self.sha256).finish_non_exhaustive()
    }
}

/// The version of `tract-onnx` that runs models (recorded in reports; a
/// test holds it to Cargo.lock).
pub const TRACT_VERSION: &str = "0.23.9";

impl Engine {
    /// Loads an ONNX model for the profile's input shape, with every one of
    /// Lading's own operators that applies ([`Rewrites::ALL`]).
    pub fn load(model: &[u8], profile: &Profile) -> Result<Self, EngineError> {
        Self::load_with(model, profile, Rewrites::ALL)
    }

    /// Loads with tract's own operators only: for benchmarks and for tests
    /// holding [`Engine::load`] to the same outputs.
    pub fn load_tract_only(model: &[u8], profile: &Profile) -> Result<Self, EngineError> {
        Self::load_with(model, profile, Rewrites::NONE)
    }

    /// Loads with the chosen operators of Lading's in place of tract's.
    pub fn load_with(model: &[u8], profile: &Profile, rewrites: Rewrites) -> Result<Self, EngineError> {
        let shape = profile.input_shape();
        let mut graph = tract_onnx::onnx()
            .model_for_read(&mut std::io::Cursor::new(model))
            .map_err(|e| EngineError::Load(format!("{e:#}")))?;
        // The model's own declared input, when it has one, must agree.
        let declared = graph.input_fact(0).map_err(|e| EngineError::Load(format!("{e:#}")))?.clone();
        if let Ok(Some(dims)) = declared.shape.as_concrete_finite()
            && dims.as_slice() != shape
        {
            return Err(EngineError::InputShape { model: dims.to_vec(), profile: shape.to_vec() });
        }
        graph
            .set_input_fact(0, f32::fact(shape).into())
            .map_err(|e| EngineError::Load(format!("setting the input to {shape:?}: {e:#}")))?;
        let load = |e: TractError| EngineError::Load(format!("{e:#}"));
        let mut typed = graph.into_typed().and_then(|m| m.into_decluttered()).map_err(load)?;
        if rewrites.pool {
            crate::pool::rewrite(&mut typed).map_err(load)?;
        }
        if rewrites.conv {
            crate::conv::rewrite(&mut typed).map_err(load)?;
        }
        let plan = typed.into_optimized().and_then(|m| m.into_runnable()).map_err(load)?;
        Ok(Self { plan, shape, sha256: hex::encode(Sha256::digest(model)) })
    }

    /// The operators of the plan, in evaluation order (their tract names).
    pub fn operators(&self) -> Vec<String> {
        self.plan.model().nodes().iter().map(|n| n.op().name().to_string()).collect()
    }

    /// Runs the model on one input tensor; returns every output, flattened, with its shape.
    /// (A [`Session`] runs many without setting up each time.)
    pub fn run(&self, input: Vec<f32>) -> Result<Vec<Output>, EngineError> {
        self.session()?.run(input)
    }

    /// A session for running the model many times on one thread: its working
    /// memory is set up once and reused.
    pub fn session(&self) -> Result<Session, EngineError> {
        Ok(Session { state: self.plan.spawn().map_err(|e| EngineError::Run(format!("{e:#}")))?, shape: self.shape })
    }
}

/// Runs a model repeatedly on one thread (see [`Engine::session`]).
pub struct Session {
    state: TypedSimpleState,
    shape: [usize; 4],
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session").field("shape", &self.shape).finish_non_exhaustive()
    }
}

impl Session {
    /// Runs the model on one input tensor; returns every output, flattened, with its shape.
    pub fn run(&mut self, input: Vec<f32>) -> Result<Vec<Output>, EngineError> {
        let tensor = tract_ndarray::Array4::from_shape_vec(self.shape, input)
            .map_err(|e| EngineError::Run(format!("input tensor: {e}")))?;
        let outputs =
            self.state.run(tvec!(Tensor::from(tensor).into())).map_err(|e| EngineError::Run(format!("{e:#}")))?;
        outputs
            .iter()
            .map(|o| {
                let view = o.to_plain_array_view::<f32>().map_err(|e| EngineError::Run(format!("{e:#}")))?;
                Ok((view.shape().to_vec(), view.iter().copied().collect()))
            })
            .collect()
    }
}
