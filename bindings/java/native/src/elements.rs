//! Element facts and half-precision conversions, from onyx-core (Java's tables are
//! checked against these, and `BFloat16` / `Float16` convert through them).

use jni::{
    objects::JObject,
    sys::{jfloat, jint, jlong, jobject, jshort},
    JNIEnv,
};
use onyx_core::{Bf16, ElementType, F16};

use crate::{entry, new_string};

/// Size in bytes of ONNX element type `element`; 0 for a number Onyx does not support.
#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_elementTypeSize<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>, element: jint) -> jlong {
    entry(&mut env, |_| Ok(ElementType::from_onnx(element as u32).map_or(0, |t| t.size() as jlong)))
}

/// ONNX's name of element type `element` ("float", ...), or "unknown".
#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_elementTypeName<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>, element: jint) -> jobject {
    entry(&mut env, |env| new_string(env, ElementType::from_onnx(element as u32).map_or("unknown", |t| t.name())))
}

/// The two native methods of one half-precision format: from a float, to a float.
macro_rules! conversions {
    ($from:ident, $to:ident, $t:ident) => {
        #[no_mangle]
        pub extern "system" fn $from<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>, value: jfloat) -> jshort {
            entry(&mut env, |_| Ok($t::from_f32(value).0 as jshort))
        }

        #[no_mangle]
        pub extern "system" fn $to<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>, bits: jshort) -> jfloat {
            entry(&mut env, |_| Ok($t(bits as u16).to_f32()))
        }
    };
}
conversions!(Java_dev_onyx_Native_bfloat16FromFloat, Java_dev_onyx_Native_bfloat16ToFloat, Bf16);
conversions!(Java_dev_onyx_Native_float16FromFloat, Java_dev_onyx_Native_float16ToFloat, F16);
