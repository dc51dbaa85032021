//! `Operator`: an operator whose kernel is a Java `Kernel` (a lambda works), on
//! onyx-core's `Operator`.
//!
//! The Rust operator owns a [`JavaKernel`]: a global reference to the Java kernel (so it
//! lives exactly as long as the Rust operator, which sessions keep alive) and the class
//! and method of the one Java entry, `KernelContext.invoke`, found once when the
//! operator is made (on a Java thread: a native thread's `FindClass` would not see the
//! application's class loader).
//!
//! Each call of the kernel, on whichever thread ONNX Runtime or Onyx runs it, attaches
//! that thread to the JVM if it is a native one (as a daemon, and it stays attached:
//! [`crate::attach`]), opens a local frame, and calls `invoke(kernel, call, inputs,
//! outputs)`, where `call` is the address of a [`Call`] on this stack frame. The Java
//! `KernelContext` uses that address for its native methods below and stops using it
//! before `invoke` returns (see `KernelContext.java`), so the address never outlives
//! the call. `invoke` returns the kernel's exception, or null. Any exception at all that
//! reaches this side is taken and cleared here, never left pending: a `KERNEL_FAILED`
//! error `<exception class>: <message>` (an `OnyxException` keeps its own code).

use std::sync::{Arc, Mutex};

use jni::{
    objects::{GlobalRef, JClass, JIntArray, JLongArray, JObject, JObjectArray, JStaticMethodID, JString, JThrowable},
    signature::ReturnType,
    sys::{jfloat, jint, jlong, jobject, jvalue},
    JNIEnv, JavaVM,
};
use onyx_core::{AttributeKind, ElementType, Error, ErrorCode, Kernel, KernelContext, KernelTensor, Operator, OperatorDefinition, Tensor};

use crate::{
    arrays::{ints, longs, strings},
    borrow, entry, fail, into_handle, new_string, JniResult,
};

const INVOKE: &str = "(Ldev/onyx/Kernel;JII)Ljava/lang/Throwable;";

/// The Java half of an operator, held by the Rust operator.
struct JavaKernel {
    vm: JavaVM,
    kernel: GlobalRef,
    /// `dev.onyx.KernelContext`, kept so `invoke` stays valid.
    context_class: GlobalRef,
    invoke: JStaticMethodID,
    /// `dev.onyx.OnyxException`, to keep the code of one the kernel lets through.
    onyx_exception: GlobalRef,
    inputs: jint,
    outputs: jint,
}

impl Drop for JavaKernel {
    fn drop(&mut self) {
        // The last session may end on a native thread: attach it the same way (as a
        // daemon, once) before the global references are deleted, so jni need not
        // attach and detach it just for that.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| crate::attach(&self.vm).map(|_| ())));
    }
}

/// One call of a kernel: what the Java `KernelContext`'s address points to. The tensors
/// lent to Java live here (boxed: their addresses are Java's handles) until the call ends.
struct Call<'c, 'k> {
    context: &'c KernelContext<'k>,
    tensors: Mutex<Vec<Box<KernelTensor<'c>>>>,
}

impl Kernel for JavaKernel {
    fn compute(&self, context: &KernelContext<'_>) -> onyx_core::Result<()> {
        let Some(mut env) = crate::attach(&self.vm) else {
            return Err(Error::new(ErrorCode::KernelFailed, "the JVM could not take this thread (is it shutting down?)"));
        };
        let call = Call { context, tensors: Mutex::new(Vec::new()) };
        let address = &call as *const Call as jlong;
        // A frame of its own: a native thread never returns to Java to free local
        // references, and a Java thread running a large model would pile them up.
        let outcome = env.with_local_frame(16, |env| -> jni::errors::Result<Option<Error>> {
            let class = <&JClass>::from(self.context_class.as_obj());
            let args = [jvalue { l: self.kernel.as_obj().as_raw() }, jvalue { j: address }, jvalue { i: self.inputs }, jvalue { i: self.outputs }];
            let returned = unsafe { env.call_static_method_unchecked(class, self.invoke, ReturnType::Object, &args) };
            let thrown = match returned {
                Ok(value) => JThrowable::from(value.l()?),
                Err(jni::errors::Error::JavaException) => {
                    // Thrown past invoke's own catch (an error while it made the context).
                    let pending = env.exception_occurred()?;
                    env.exception_clear()?;
                    pending
                }
                Err(e) => return Err(e),
            };
            if thrown.is_null() {
                return Ok(None);
            }
            Ok(Some(self.describe(env, &thrown)))
        });
        // Whatever happened, nothing stays pending on this thread.
        if env.exception_check().unwrap_or(false) {
            let _ = env.exception_clear();
        }
        drop(call); // the lent tensors go back to ONNX Runtime (Java no longer uses them)
        match outcome {
            Ok(None) => Ok(()),
            Ok(Some(error)) => Err(error),
            Err(e) => Err(Error::new(ErrorCode::KernelFailed, format!("calling the Java kernel failed: {e}"))),
        }
    }
}

impl JavaKernel {
    /// `<exception class>: <message>` (the class alone when there is no message), code
    /// `KERNEL_FAILED`, or an `OnyxException`'s own code. Each step that throws again is
    /// cleared and skipped.
    fn describe(&self, env: &mut JNIEnv, thrown: &JThrowable) -> Error {
        let text = |env: &mut JNIEnv, object: &JObject, method: &str| -> Option<String> {
            let value = env.call_method(object, method, "()Ljava/lang/String;", &[]).and_then(|v| v.l());
            match value {
                Ok(s) if !s.is_null() => env.get_string(&JString::from(s)).ok().map(String::from),
                Ok(_) => None,
                Err(_) => {
                    let _ = env.exception_clear();
                    None
                }
            }
        };
        let class_name = match env.get_object_class(thrown) {
            Ok(class) => text(env, &class, "getName"),
            Err(_) => None,
        }
        .unwrap_or_else(|| "java.lang.Throwable".into());
        let message = text(env, thrown, "getMessage");
        let mut code = ErrorCode::KernelFailed;
        if env.is_instance_of(thrown, <&JClass>::from(self.onyx_exception.as_obj())).unwrap_or(false) {
            match env.call_method(thrown, "codeNumber", "()I", &[]).and_then(|v| v.i()) {
                Ok(number) => code = ErrorCode::from_u32(number as u32).unwrap_or(ErrorCode::KernelFailed),
                Err(_) => {
                    let _ = env.exception_clear();
                }
            }
        }
        let _ = env.exception_clear();
        Error::new(code, match message {
            Some(message) => format!("{class_name}: {message}"),
            None => class_name,
        })
    }
}

fn element_types(values: Vec<jint>) -> JniResult<Vec<ElementType>> {
    values.into_iter().map(|v| Ok(ElementType::from_onnx(v as u32)?)).collect()
}

/// A new operator (a `Box<Arc<Operator>>` handle) with `kernel` as its kernel.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "system" fn Java_dev_onyx_Native_operatorNew<'l>(
    mut env: JNIEnv<'l>,
    _class: JObject<'l>,
    domain: JString<'l>,
    name: JString<'l>,
    inputs: JIntArray<'l>,
    outputs: JIntArray<'l>,
    attribute_names: JObjectArray<'l>,
    attribute_kinds: JIntArray<'l>,
    since: jint,
    until: jint,
    kernel: JObject<'l>,
) -> jlong {
    entry(&mut env, |env| {
        if kernel.is_null() {
            return fail(ErrorCode::NullPointer, "the kernel was null");
        }
        let domain = crate::string(env, &domain)?;
        let name = crate::string(env, &name)?;
        let inputs = element_types(ints(env, &inputs)?)?;
        let outputs = element_types(ints(env, &outputs)?)?;
        let names = strings(env, &attribute_names)?;
        let kinds = ints(env, &attribute_kinds)?;
        if names.len() != kinds.len() {
            return fail(ErrorCode::InvalidArgument, format!("{} attribute names but {} kinds", names.len(), kinds.len()));
        }
        let mut definition = OperatorDefinition::new(&domain, &name).versions(since, until);
        for t in &inputs {
            definition = definition.input(*t);
        }
        for t in &outputs {
            definition = definition.output(*t);
        }
        for (n, k) in names.iter().zip(kinds) {
            definition = definition.attribute(n, AttributeKind::from_u32(k as u32)?);
        }
        let context_class = env.find_class("dev/onyx/KernelContext")?;
        let invoke = env.get_static_method_id(&context_class, "invoke", INVOKE)?;
        let onyx_exception = env.find_class("dev/onyx/OnyxException")?;
        let java = JavaKernel {
            vm: env.get_java_vm()?,
            kernel: env.new_global_ref(&kernel)?,
            context_class: env.new_global_ref(&context_class)?,
            invoke,
            onyx_exception: env.new_global_ref(&onyx_exception)?,
            inputs: inputs.len() as jint,
            outputs: outputs.len() as jint,
        };
        Ok(into_handle(Operator::new(definition, java)?))
    })
}

crate::free_function!(Java_dev_onyx_Native_operatorFree, Arc<Operator>);

/// The operators (handles the caller holds) as session options would take them:
/// onyx-core's check that no two share a domain and name, for `addOperator`.
#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_checkOperators<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>, handles: JLongArray<'l>) {
    entry(&mut env, |env| {
        let mut options = onyx_core::SessionOptions::new();
        add_operators(env, &mut options, &handles)
    })
}

/// Adds the operators `handles` (held by the Java caller during the call) to `options`.
pub(crate) fn add_operators(env: &mut JNIEnv, options: &mut onyx_core::SessionOptions, handles: &JLongArray) -> JniResult<()> {
    for handle in longs(env, handles)? {
        options.add_operator(unsafe { borrow::<Arc<Operator>>(handle) }?)?;
    }
    Ok(())
}

// --- KernelContext's native methods: `call` is a live Call (see the module doc) ---------

/// # Safety
/// `call` is the address `compute` passed to Java, and its call has not returned.
unsafe fn call<'a>(call: jlong) -> JniResult<&'a Call<'a, 'a>> {
    if call == 0 {
        return fail(ErrorCode::NullPointer, "no kernel call");
    }
    Ok(unsafe { &*(call as *const Call) })
}

fn index(value: jint) -> JniResult<usize> {
    usize::try_from(value).or_else(|_| fail(ErrorCode::IndexOutOfRange, format!("index {value} is negative")))
}

/// Keeps the tensor for the rest of the call; its address is the Java handle
/// (`borrow::<Tensor>` works on it like on any tensor handle, but it is never freed).
fn lend<'a>(call: &Call<'a, 'a>, tensor: KernelTensor<'a>) -> jlong {
    let mut boxed = Box::new(tensor);
    // The pointer is into the heap: moving the Box into the Vec does not move the tensor.
    let address = (&mut **boxed) as *mut Tensor as jlong;
    call.tensors.lock().unwrap_or_else(|p| p.into_inner()).push(boxed);
    address
}

#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_kernelInput<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>, handle: jlong, i: jint) -> jlong {
    entry(&mut env, |_| {
        let call = unsafe { call(handle) }?;
        let tensor = call.context.input(index(i)?)?;
        Ok(lend(call, tensor))
    })
}

#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_kernelOutput<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>, handle: jlong, i: jint, shape: JLongArray<'l>) -> jlong {
    entry(&mut env, |env| {
        let call = unsafe { call(handle) }?;
        let shape = longs(env, &shape)?;
        let tensor = call.context.output(index(i)?, &shape)?;
        Ok(lend(call, tensor))
    })
}

#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_kernelNodeName<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>, handle: jlong) -> jobject {
    entry(&mut env, |env| {
        let call = unsafe { call(handle) }?;
        new_string(env, call.context.node_name())
    })
}

#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_kernelAttributeFloat<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>, handle: jlong, name: JString<'l>) -> jfloat {
    entry(&mut env, |env| {
        let call = unsafe { call(handle) }?;
        let name = crate::string(env, &name)?;
        Ok(call.context.attribute_float(&name)?)
    })
}

#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_kernelAttributeInt<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>, handle: jlong, name: JString<'l>) -> jlong {
    entry(&mut env, |env| {
        let call = unsafe { call(handle) }?;
        let name = crate::string(env, &name)?;
        Ok(call.context.attribute_int(&name)?)
    })
}

#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_kernelAttributeString<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>, handle: jlong, name: JString<'l>) -> jobject {
    entry(&mut env, |env| {
        let call = unsafe { call(handle) }?;
        let name = crate::string(env, &name)?;
        let value = call.context.attribute_string(&name)?.to_owned();
        new_string(env, &value)
    })
}
