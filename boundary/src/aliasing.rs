use onyx_core::{Error, ErrorCode, Result};

/// A run writes each output through `&mut`, so an output may not also be an input
/// or another output. Handles make that possible at a boundary (Rust's borrow rules
/// forbid it inside); this check keeps the boundary sound. `outputs[i]` is named by
/// `output_name(i)` in the message. The pointers name each tensor (its handle, or its
/// data where a binding has no handles); null ones are skipped.
pub fn check_no_aliasing<T>(inputs: &[*const T], outputs: &[*const T], output_name: impl Fn(usize) -> String) -> Result<()> {
    for (i, &output) in outputs.iter().enumerate() {
        if output.is_null() {
            continue; // reported as NULL by the caller's own check
        }
        if outputs[..i].contains(&output) || inputs.contains(&output) {
            return Err(Error::new(
                ErrorCode::InvalidArgument,
                format!("outputs[{i}] ('{}') is also used as an input or another output of this run", output_name(i)),
            ));
        }
    }
    Ok(())
}
