use std::{
    ffi::CString,
    ptr::NonNull,
    sync::{
        atomic::{AtomicBool, AtomicU64, Ordering},
        Arc, Mutex, Weak,
    },
};

use crate::{ort_call, Error, ErrorCode, Result, Runtime};

/// Per-run settings: a tag for ONNX Runtime's logs, and a terminate switch that
/// another thread may flip while runs that use these options are in progress.
pub struct RunOptions {
    ptr: NonNull<ort_sys::OrtRunOptions>,
    /// Kept as C text (ONNX Runtime's form, checked UTF-8) so every boundary can lend it.
    tag: CString,
    terminated: AtomicBool,
    /// Counts terminate calls, so a run can tell it was terminated while it ran even
    /// when another thread reset the flag before the run looked.
    terminations: AtomicU64,
    /// The config entries added, so an asynchronous run can take its own copy.
    entries: Vec<(CString, CString)>,
    /// The copies asynchronous runs made of these options: terminate reaches them too.
    copies: Mutex<Vec<Weak<RunOptions>>>,
}

// ONNX Runtime's terminate flag is atomic; everything else needs `&mut`.
unsafe impl Send for RunOptions {}
unsafe impl Sync for RunOptions {}

impl RunOptions {
    pub fn new() -> Result<RunOptions> {
        Runtime::get()?;
        let mut ptr = std::ptr::null_mut();
        ort_call::check(unsafe { (ort_call::api().CreateRunOptions)(&mut ptr) }, ErrorCode::RuntimeError, "creating run options")?;
        let ptr = NonNull::new(ptr).ok_or_else(|| Error::new(ErrorCode::RuntimeError, "ONNX Runtime returned no run options"))?;
        Ok(RunOptions {
            ptr,
            tag: CString::default(),
            terminated: AtomicBool::new(false),
            terminations: AtomicU64::new(0),
            entries: Vec::new(),
            copies: Mutex::new(Vec::new()),
        })
    }

    /// Tags the runs' log lines.
    pub fn set_tag(&mut self, tag: &str) -> Result<()> {
        crate::check_text("run tag", tag)?;
        let c_tag = CString::new(tag).map_err(|_| Error::new(ErrorCode::InvalidArgument, "run tag contains a NUL byte"))?;
        ort_call::check(unsafe { (ort_call::api().RunOptionsSetRunTag)(self.ptr.as_ptr(), c_tag.as_ptr()) }, ErrorCode::RuntimeError, "setting the run tag")?;
        self.tag = c_tag;
        Ok(())
    }

    /// Adds a raw ONNX Runtime run config entry (onnxruntime_run_options_config_keys.h,
    /// e.g. `memory.enable_memory_arena_shrinkage` = `cpu:0`). ONNX Runtime reads it at
    /// each run, where a value it refuses is INVALID_ARGUMENT.
    pub fn add_config_entry(&mut self, key: &str, value: &str) -> Result<()> {
        crate::check_text("run config key", key)?;
        crate::check_text(&format!("run config entry '{key}' value"), value)?;
        let (c_key, c_value) = (CString::new(key).unwrap_or_default(), CString::new(value).unwrap_or_default());
        self.add_c_entry(&c_key, &c_value)?;
        self.entries.push((c_key, c_value));
        Ok(())
    }

    fn add_c_entry(&mut self, key: &std::ffi::CStr, value: &std::ffi::CStr) -> Result<()> {
        ort_call::check(
            unsafe { (ort_call::api().AddRunConfigEntry)(self.ptr.as_ptr(), key.as_ptr(), value.as_ptr()) },
            ErrorCode::InvalidArgument,
            &format!("setting run config entry '{}'", key.to_string_lossy()),
        )
    }

    /// A copy (tag and config entries) for one asynchronous run, which cancelling
    /// that run terminates alone; terminating these options terminates it too.
    pub(crate) fn copy_for_one_run(options: Option<&RunOptions>) -> Result<Arc<RunOptions>> {
        let mut copy = RunOptions::new()?;
        if let Some(options) = options {
            if !options.tag.as_bytes().is_empty() {
                copy.set_tag(options.tag())?;
            }
            for (key, value) in &options.entries {
                copy.add_c_entry(key, value)?;
            }
        }
        let copy = Arc::new(copy);
        if let Some(options) = options {
            let mut copies = options.copies.lock().unwrap_or_else(|p| p.into_inner());
            copies.retain(|c| c.strong_count() > 0);
            copies.push(Arc::downgrade(&copy));
            // Checked under the lock terminate takes, so no terminate falls in between.
            if options.is_terminated() {
                copy.terminate()?;
            }
        }
        Ok(copy)
    }

    pub fn tag(&self) -> &str {
        self.tag.to_str().unwrap_or_default() // set from a &str
    }

    pub fn tag_c_str(&self) -> &std::ffi::CStr {
        &self.tag
    }

    /// Stops runs in progress with these options, and fails later ones with
    /// `CANCELLED`, until [`RunOptions::reset_terminate`]. Safe from any thread.
    pub fn terminate(&self) -> Result<()> {
        let copies = self.copies.lock().unwrap_or_else(|p| p.into_inner());
        self.terminations.fetch_add(1, Ordering::SeqCst);
        self.terminated.store(true, Ordering::SeqCst);
        ort_call::check(unsafe { (ort_call::api().RunOptionsSetTerminate)(self.ptr.as_ptr()) }, ErrorCode::RuntimeError, "terminating")?;
        for copy in copies.iter().filter_map(Weak::upgrade) {
            copy.terminate()?;
        }
        Ok(())
    }

    /// Lets runs with these options proceed again after [`RunOptions::terminate`].
    pub fn reset_terminate(&self) -> Result<()> {
        ort_call::check(unsafe { (ort_call::api().RunOptionsUnsetTerminate)(self.ptr.as_ptr()) }, ErrorCode::RuntimeError, "resetting terminate")?;
        self.terminated.store(false, Ordering::SeqCst);
        Ok(())
    }

    pub fn is_terminated(&self) -> bool {
        self.terminated.load(Ordering::SeqCst)
    }

    /// How many times terminate was called; a run compares it before and after.
    pub(crate) fn terminations(&self) -> u64 {
        self.terminations.load(Ordering::SeqCst)
    }

    pub(crate) fn as_ptr(&self) -> *const ort_sys::OrtRunOptions {
        self.ptr.as_ptr()
    }
}

impl Drop for RunOptions {
    fn drop(&mut self) {
        unsafe { (ort_call::api().ReleaseRunOptions)(self.ptr.as_ptr()) };
    }
}
