//! Weights shared by the sessions of one model: the second, third… session of a model
//! made with the same [`SharedWeights`] costs a fraction of the first.
//!
//! ONNX Runtime's prepacked-weights container alone saves nothing on a model like
//! ResNet18: its optimizer fuses and reorders the weights into new initializers in every
//! session (Conv+BatchNorm fusion, the NCHWc layout), and those are what the session
//! holds. So the first session of a model is made once to let ONNX Runtime write its
//! optimized graph (to a private file), whose initializers Onyx keeps once; every
//! session of that model then loads the optimized graph with optimization off, its
//! initializers given by Onyx (ONNX Runtime's `AddInitializer`, which uses the caller's
//! memory in place) and ONNX Runtime's prepacked-weights container shared too. The
//! answers are bit-identical: the same kernels run on the same weights.

use std::{
    collections::hash_map::RandomState,
    ffi::CString,
    hash::BuildHasher,
    path::{Path, PathBuf},
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex, Weak,
    },
};

use ort::AsPointer;

use crate::{ort_call, ElementType, Error, ErrorCode, Result, SessionOptions, Tensor};

/// A group of sessions that share the weights of each model they load (sessions of
/// different models share nothing). Cheap to clone: clones are the same group. A
/// model's weights are kept while at least one session of it is alive.
#[derive(Clone)]
pub struct SharedWeights {
    inner: Arc<Group>,
}

struct Group {
    /// Keys the model hashes with a per-process random key, so no model can be made to
    /// collide with another one on purpose.
    hasher: RandomState,
    models: Mutex<Vec<(ModelKey, Weak<SharedModel>)>>,
    prepacked: ort::session::builder::PrepackedWeights,
}

/// The model's bytes (hash and length) and every option that changes the optimized graph.
#[derive(PartialEq, Eq, Clone)]
struct ModelKey {
    hash: u64,
    length: usize,
    options: String,
}

/// One model's optimized graph (a private file, removed when this is dropped) and its
/// initializers, which every session of the model uses in place.
pub(crate) struct SharedModel {
    optimized: PathBuf,
    initializers: Vec<(CString, Tensor)>,
}

impl Drop for SharedModel {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.optimized);
    }
}

impl std::fmt::Debug for SharedWeights {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SharedWeights({} models, {} bytes)", self.model_count(), self.byte_length())
    }
}

impl PartialEq for SharedWeights {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}

impl Eq for SharedWeights {}

impl SharedWeights {
    pub fn new() -> Result<SharedWeights> {
        crate::Runtime::get()?; // the container is ONNX Runtime's
        Ok(SharedWeights {
            inner: Arc::new(Group {
                hasher: RandomState::new(),
                models: Mutex::new(Vec::new()),
                prepacked: ort::session::builder::PrepackedWeights::new(),
            }),
        })
    }

    /// How many models have their weights held by the group now.
    pub fn model_count(&self) -> usize {
        self.live().len()
    }

    /// The bytes of weights the group holds now (each once, however many sessions use them).
    pub fn byte_length(&self) -> usize {
        self.live().iter().flat_map(|m| m.initializers.iter()).map(|(_, t)| t.byte_length()).sum()
    }

    fn live(&self) -> Vec<Arc<SharedModel>> {
        self.inner.models.lock().unwrap_or_else(|p| p.into_inner()).iter().filter_map(|(_, m)| m.upgrade()).collect()
    }

    /// The shared form of the model `bytes` under `options`: made now (`optimize` loads it
    /// once, writing its optimized graph to the path it is given) unless a live session
    /// of it made it already. The lock is held while making it, so one model is
    /// optimized once however many threads load it at once.
    pub(crate) fn model_for(
        &self,
        bytes: &[u8],
        options: &SessionOptions,
        optimize: impl FnOnce(&Path) -> Result<()>,
    ) -> Result<Arc<SharedModel>> {
        let key = ModelKey { hash: self.inner.hasher.hash_one(bytes), length: bytes.len(), options: fingerprint(options) };
        let mut models = self.inner.models.lock().unwrap_or_else(|p| p.into_inner());
        models.retain(|(_, m)| m.strong_count() > 0);
        if let Some(model) = models.iter().filter(|(k, _)| *k == key).find_map(|(_, m)| m.upgrade()) {
            return Ok(model);
        }
        let optimized = private_file();
        let model = optimize(&optimized).and_then(|()| SharedModel::read(optimized.clone()));
        let model = match model {
            Ok(model) => Arc::new(model),
            Err(e) => {
                let _ = std::fs::remove_file(&optimized);
                return Err(e);
            }
        };
        models.push((key, Arc::downgrade(&model)));
        Ok(model)
    }

    pub(crate) fn prepacked(&self) -> &ort::session::builder::PrepackedWeights {
        &self.inner.prepacked
    }
}

impl SharedModel {
    /// Reads the optimized graph ONNX Runtime wrote, keeping each inline initializer.
    fn read(optimized: PathBuf) -> Result<SharedModel> {
        let failed = |why: String| Error::new(ErrorCode::RuntimeError, format!("reading the optimized model {}: {why}", optimized.display()));
        let bytes = std::fs::read(&optimized).map_err(|e| failed(e.to_string()))?;
        let found = crate::model_proto::inline_initializers(&bytes).ok_or_else(|| failed("not a model Onyx can read".into()))?;
        let mut initializers = Vec::with_capacity(found.len());
        for initializer in found {
            // Element types Onyx has no tensor for stay in the graph, unshared.
            let Ok(element_type) = ElementType::from_onnx(initializer.data_type) else { continue };
            let (start, length) = initializer.raw;
            let raw = bytes.get(start..start + length).ok_or_else(|| failed(format!("initializer '{}' is cut short", initializer.name)))?;
            let Ok(tensor) = Tensor::copy_bytes(element_type, &initializer.dims, raw) else { continue };
            let name = CString::new(initializer.name).unwrap_or_default(); // protobuf strings hold no NUL
            initializers.push((name, tensor));
        }
        Ok(SharedModel { optimized, initializers })
    }

    pub(crate) fn path(&self) -> &Path {
        &self.optimized
    }

    /// Gives ONNX Runtime every shared initializer, used in place by the session.
    pub(crate) fn add_to(&self, builder: &mut ort::session::builder::SessionBuilder) -> Result<()> {
        for (name, tensor) in &self.initializers {
            let status = unsafe { (ort_call::api().AddInitializer)(builder.ptr_mut(), name.as_ptr(), tensor.ort_value().cast_const()) };
            ort_call::check(status, ErrorCode::RuntimeError, &format!("sharing initializer '{}'", name.to_string_lossy()))?;
        }
        Ok(())
    }
}

/// Every option that changes the graph ONNX Runtime optimizes (the rest may differ
/// between sessions sharing a model).
fn fingerprint(options: &SessionOptions) -> String {
    let libraries: Vec<_> = options.custom_op_libraries().iter().map(|l| l.path().display().to_string()).collect();
    // By identity: two operators with one name may have different kernels.
    let operators: Vec<_> = options.operators().iter().map(|o| Arc::as_ptr(o) as usize).collect();
    format!(
        "{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}",
        options.optimization_level,
        options.execution_providers,
        options.free_dimension_overrides(),
        options.config_entries,
        libraries,
        operators,
        options.deterministic_compute
    )
}

/// A file name no other process or group uses, in the system's temporary folder.
fn private_file() -> PathBuf {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    std::env::temp_dir().join(format!("onyx-shared-weights-{}-{n}.onnx", std::process::id()))
}
