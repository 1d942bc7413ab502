/* rt_scalar.h: writing Python and NumPy scalars passed to 0-d inputs straight into a
 * stack slot, for the runtime module (_rt.cpp), which includes it once after the CPython
 * and NumPy headers. An exact write keeps scalar calls off the Python converter.
 */
#pragma once

namespace {

// A slot big enough and aligned enough for any numeric scalar (clongdouble is 32 bytes).
struct alignas(32) ScalarSlot {
    char bytes[32];
};

// ---- Python scalars passed to 0-d inputs: written straight into a stack slot.

// A value that cannot be written exactly is not an error here: the converter decides.
bool drop_error() {
    if (!PyErr_Occurred()) return false;
    PyErr_Clear();
    return true;
}

template <class T>
bool store_int(long long v, void *buf) {
    using L = std::numeric_limits<T>;
    if constexpr (std::is_unsigned_v<T>) {
        if (v < 0 || static_cast<unsigned long long>(v) > L::max()) return false;
    } else {
        if (v < static_cast<long long>(L::min()) || v > static_cast<long long>(L::max()))
            return false;
    }
    T x = static_cast<T>(v);
    std::memcpy(buf, &x, sizeof x);
    return true;
}

bool store_exact_double(long long v, void *buf) {
    double d = static_cast<double>(v);
    // The range test keeps the cast back to long long defined (2^63 is out of range).
    if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0)) return false;
    if (static_cast<long long>(d) != v) return false;
    std::memcpy(buf, &d, sizeof d);
    return true;
}

bool write_python_int(int type_num, PyObject *obj, void *buf) {
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(obj, &overflow);
    if (v == -1 && drop_error()) return false;
    if (overflow) {
        if (overflow < 0 || (type_num != NPY_ULONG && type_num != NPY_ULONGLONG)) return false;
        unsigned long long u = PyLong_AsUnsignedLongLong(obj);
        if (drop_error()) return false;
        std::memcpy(buf, &u, sizeof u);
        return true;
    }
    switch (type_num) {
        case NPY_BYTE: return store_int<npy_byte>(v, buf);
        case NPY_UBYTE: return store_int<npy_ubyte>(v, buf);
        case NPY_SHORT: return store_int<npy_short>(v, buf);
        case NPY_USHORT: return store_int<npy_ushort>(v, buf);
        case NPY_INT: return store_int<npy_int>(v, buf);
        case NPY_UINT: return store_int<npy_uint>(v, buf);
        case NPY_LONG: return store_int<npy_long>(v, buf);
        case NPY_ULONG: return store_int<npy_ulong>(v, buf);
        case NPY_LONGLONG: return store_int<npy_longlong>(v, buf);
        case NPY_ULONGLONG: return store_int<npy_ulonglong>(v, buf);
        case NPY_DOUBLE: return store_exact_double(v, buf);
        default: return false;
    }
}

bool write_numpy_scalar(int type_num, PyObject *obj, void *buf) {
    PyArray_Descr *d = PyArray_DescrFromScalar(obj);
    if (!d) {
        drop_error();
        return false;
    }
    bool ok = (d->type_num == type_num || PyArray_EquivTypenums(d->type_num, type_num)) &&
              PyArray_ISNBO(d->byteorder) &&
              PyDataType_ELSIZE(d) <= static_cast<npy_intp>(sizeof(ScalarSlot));
    Py_DECREF(d);
    if (ok) PyArray_ScalarAsCtype(obj, buf);
    return ok;
}

/* True when obj was written to buf exactly as the declared dtype; false sends the
 * argument to the converter (which decides about inexact or foreign values). */
bool write_scalar(int type_num, PyObject *obj, void *buf) {
    if (PyFloat_Check(obj)) {
        double v = PyFloat_AS_DOUBLE(obj);
        if (type_num == NPY_DOUBLE) {
            std::memcpy(buf, &v, sizeof v);
            return true;
        }
        // Theano downcasts a plain Python float to float32; a NumPy float64 it does not.
        if (type_num != NPY_FLOAT || !PyFloat_CheckExact(obj)) return false;
        float f = static_cast<float>(v);
        if (std::isinf(f) && !std::isinf(v)) return false;
        std::memcpy(buf, &f, sizeof f);
        return true;
    }
    if (PyBool_Check(obj)) {
        if (type_num != NPY_BOOL) return false;
        *static_cast<npy_bool *>(buf) = obj == Py_True;
        return true;
    }
    if (PyLong_Check(obj)) return write_python_int(type_num, obj, buf);
    if (PyArray_IsScalar(obj, Generic)) return write_numpy_scalar(type_num, obj, buf);
    return false;
}

}  // namespace
