/* _rt.cpp: the native half of mlc's runtime (imported as mlc.runtime._rt).
 *
 * Pipeline position: the emitters produce one C translation unit per compiled function,
 * runtime/compile.py builds it into a .so, and this module dlopens that .so
 * (`Library`, in rt_library.h with the message table) and calls its `mlc_entry` (see
 * mlc_abi.h) on NumPy arrays (`Function`). A Function is never built over a library that
 * states another argument layout (`mlc_layout`: _rt.LayoutError).
 *
 * pybind11 only provides the class plumbing (construction, attributes, GC hooks). The
 * call itself is a raw `tp_call` slot installed before PyType_Ready, so instances of a
 * Python subclass of `Function` are called straight into C++ with no Python frame, and
 * the hot path uses only the CPython and NumPy C APIs on small stack buffers.
 */
#define PY_SSIZE_T_CLEAN
#include <pybind11/pybind11.h>

#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#include <numpy/arrayobject.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "mlc_abi.h"
#include "rt_scalar.h"

namespace py = pybind11;

// The ABI passes shapes as int64_t and NumPy takes npy_intp: they must be the same type.
#if NPY_ABI_VERSION < 0x02000000  // NumPy 1.x headers lack the accessor
#define PyDataType_ELSIZE(d) ((d)->elsize)
#endif

static_assert(sizeof(npy_intp) == sizeof(int64_t), "mlc needs a 64-bit npy_intp");

namespace {

constexpr int kMaxNdim = 64;  // NumPy 2's limit; bounds every per-array loop below

/* A buffer of n elements on the stack when n <= N, else on the heap: the common call
 * (a few arguments of low rank) allocates nothing. */
template <class T, size_t N>
class SmallBuf {
  public:
    explicit SmallBuf(size_t n)
        : heap_(n > N ? new T[n] : nullptr), ptr_(n > N ? heap_.get() : stack_) {}
    T &operator[](size_t i) { return ptr_[i]; }
    T *data() { return ptr_; }

  private:
    T stack_[N];
    std::unique_ptr<T[]> heap_;
    T *ptr_;
};

/* Owned references to per-call temporaries (converted or copied arrays, shared values),
 * one slot per argument, released when the call returns. */
class Keep {
  public:
    explicit Keep(size_t n) : slots_(n), n_(n) {
        for (size_t i = 0; i < n; ++i) slots_[i] = nullptr;
    }
    ~Keep() {
        for (size_t i = 0; i < n_; ++i) Py_XDECREF(slots_[i]);
    }
    void set(size_t i, PyObject *owned) {
        PyObject *old = slots_[i];
        slots_[i] = owned;
        Py_XDECREF(old);
    }

  private:
    SmallBuf<PyObject *, 16> slots_;
    size_t n_;
};

[[noreturn]] void throw_py(PyObject *type, const std::string &msg) {
    PyErr_SetString(type, msg.c_str());
    throw py::error_already_set();
}

std::string dtype_name(int type_num) {
    PyArray_Descr *d = PyArray_DescrFromType(type_num);
    if (!d) {
        PyErr_Clear();
        return "dtype " + std::to_string(type_num);
    }
    std::string s = py::str(reinterpret_cast<PyObject *>(d)).cast<std::string>();
    Py_DECREF(d);
    return s;
}

}  // namespace

#include "rt_library.h"

namespace {

// ---- Specifications received from Python at construction.

struct ArgSpec {
    int type_num = 0;
    int ndim = 0;
    int itemsize = 0;
    bool has_static = false;            // some dimension has a fixed size
    std::vector<int64_t> static_shape;  // -1 = any size
    std::string name;
    std::string what;                   // "input 'x' (argument 0)", for messages
};

struct OutSpec {
    int type_num;
    int ndim;
};

int checked_type_num(py::handle h) {
    int t = py::cast<int>(h);
    PyArray_Descr *d = PyArray_DescrFromType(t);
    if (!d) {
        PyErr_Clear();
        throw_py(PyExc_ValueError, "invalid NumPy type number " + std::to_string(t));
    }
    bool numeric = PyTypeNum_ISNUMBER(t) || PyTypeNum_ISBOOL(t);
    Py_DECREF(d);
    if (!numeric) throw_py(PyExc_ValueError, "unsupported dtype " + dtype_name(t));
    return t;
}

ArgSpec parse_arg(py::handle item, const std::string &what_prefix) {
    py::tuple t = py::cast<py::tuple>(item);
    ArgSpec s;
    s.type_num = checked_type_num(t[0]);
    for (py::handle d : py::cast<py::tuple>(t[1])) {
        int64_t n = py::cast<int64_t>(d);
        if (n < -1) throw_py(PyExc_ValueError, "static sizes must be >= -1");
        s.has_static = s.has_static || n >= 0;
        s.static_shape.push_back(n);
    }
    s.ndim = static_cast<int>(s.static_shape.size());
    if (s.ndim > kMaxNdim) throw_py(PyExc_ValueError, "too many dimensions");
    PyArray_Descr *d = PyArray_DescrFromType(s.type_num);
    s.itemsize = static_cast<int>(PyDataType_ELSIZE(d));
    Py_DECREF(d);
    s.name = t[2].is_none() ? "" : py::cast<std::string>(t[2]);
    // repr: a name with quotes, NULs or control characters stays readable in messages
    s.what = what_prefix + (s.name.empty() ? "" : " " + py::repr(t[2]).cast<std::string>());
    return s;
}

py::object list_of_one(py::handle h, const char *what) {
    if (!PyList_Check(h.ptr()) || PyList_GET_SIZE(h.ptr()) != 1)
        throw_py(PyExc_TypeError, std::string(what) + " must be a list of length 1");
    return py::reinterpret_borrow<py::object>(h);
}

// ---- Array checks.

bool dtype_matches(PyArrayObject *a, const ArgSpec &s) {
    int t = PyArray_TYPE(a);
    return t == s.type_num || PyArray_EquivTypenums(t, s.type_num);
}

std::string describe(PyObject *obj) {
    if (!PyArray_Check(obj)) return std::string("an object of type ") + Py_TYPE(obj)->tp_name;
    auto *a = reinterpret_cast<PyArrayObject *>(obj);
    return "a " + dtype_name(PyArray_TYPE(a)) + " array with " +
           std::to_string(PyArray_NDIM(a)) + " dimension(s)";
}

void set_type_error(const ArgSpec &s, PyObject *obj, const char *after) {
    std::string msg = s.what + ": expected a " + dtype_name(s.type_num) + " array with " +
                      std::to_string(s.ndim) + " dimension(s), got " + after + describe(obj);
    PyErr_SetString(PyExc_TypeError, msg.c_str());
}

bool check_static_shape(PyArrayObject *a, const ArgSpec &s) {
    const npy_intp *dims = PyArray_DIMS(a);
    for (int d = 0; d < s.ndim; ++d) {
        int64_t want = s.static_shape[d];
        if (want < 0 || dims[d] == want) continue;
        std::string msg = s.what + ": dimension " + std::to_string(d) + " must have size " +
                          std::to_string(want) + (want == 1 ? " (broadcastable)" : "") +
                          ", got " + std::to_string(dims[d]);
        PyErr_SetString(PyExc_ValueError, msg.c_str());
        return false;
    }
    return true;
}

/* The emitted code indexes in elements with naturally aligned native-order loads, so
 * anything else is copied first. Dimensions of size <= 1 never move a pointer. */
bool needs_copy(PyArrayObject *a, int itemsize) {
    if (!PyArray_ISALIGNED(a) || !PyArray_ISNOTSWAPPED(a)) return true;
    const npy_intp *dims = PyArray_DIMS(a), *strides = PyArray_STRIDES(a);
    for (int d = 0; d < PyArray_NDIM(a); ++d)
        if (dims[d] > 1 && strides[d] % itemsize != 0) return true;
    return false;
}

/* What the emitted code relies on to stay inside the array: its ndim and dtype (our own
 * buffers and loads are sized by them), native byte order, natural alignment, strides in
 * whole elements, and the static sizes of the input's type (kernels loop to those
 * constants). A few compares: cheap enough for trust_input's fast path too. */
bool memory_safe(PyArrayObject *a, const ArgSpec &s) {
    if (PyArray_NDIM(a) != s.ndim || PyArray_TYPE(a) != s.type_num) return false;
    if (needs_copy(a, s.itemsize)) return false;
    if (!s.has_static) return true;
    const npy_intp *dims = PyArray_DIMS(a);
    for (int d = 0; d < s.ndim; ++d)
        if (s.static_shape[d] >= 0 && dims[d] != s.static_shape[d]) return false;
    return true;
}

/* Appends the array's sizes and element strides (0 for dims of size <= 1, whose stride
 * NumPy leaves arbitrary) and returns its data pointer. */
char *fill(PyArrayObject *a, int ndim, int itemsize, int64_t *&shapes, int64_t *&strides) {
    const npy_intp *dims = PyArray_DIMS(a), *st = PyArray_STRIDES(a);
    for (int d = 0; d < ndim; ++d) {
        *shapes++ = dims[d];
        *strides++ = dims[d] > 1 ? st[d] / itemsize : 0;
    }
    return PyArray_BYTES(a);
}

// ---- Function.

char *alloc_output(mlc_ctx *ctx, int64_t index, const int64_t *shape);

/* ctx->poll: runs Python's signal handlers (the GIL is held for the whole call), so
 * Ctrl-C raises KeyboardInterrupt inside a long native loop. */
int poll_signals(mlc_ctx *) { return PyErr_CheckSignals() < 0; }

class Function {
  public:
    Function(py::object library, py::sequence inputs, py::sequence shared,
             py::sequence outputs, size_t n_returned, py::sequence update_targets,
             py::sequence messages, py::object converter, bool single);

    PyObject *call(PyObject *const *args, Py_ssize_t nargs);
    PyObject *call_kw(PyObject *args, PyObject *kwargs);
    py::object run_n(long long n);
    py::tuple input_names() const;
    py::list get_defaults() const;
    void set_defaults(py::sequence values);
    int traverse(visitproc visit, void *arg);
    void clear();

    bool trust_input = false;

  private:
    friend char *alloc_output(mlc_ctx *, int64_t, const int64_t *);
    bool has_default(size_t i) const { return i < defaults_.size() && defaults_[i]; }
    void set_count_error(Py_ssize_t nargs) const;
    std::string layout() const;
    void check_layout(const Library &lib) const;
    PyObject *call_defaults(PyObject *const *args, Py_ssize_t nargs);
    PyArrayObject *to_array(size_t i, PyObject *obj, Keep &keep);
    char *prepare_input(size_t i, PyObject *obj, Keep &keep, ScalarSlot *slot,
                        int64_t *&shapes, int64_t *&strides);
    char *prepare_shared(size_t j, Keep &keep, int64_t *&shapes, int64_t *&strides);
    PyArrayObject *normalize(PyArrayObject *a, const ArgSpec &s, size_t slot, Keep &keep);
    PyObject *invoke(char **data, const int64_t *shapes, const int64_t *strides);
    bool set_call_error(int64_t rc, const mlc_ctx &ctx, PyObject **results);
    PyObject *finish(PyObject **results);

    py::object library_;
    mlc_entry_fn entry_ = nullptr;
    std::vector<ArgSpec> inputs_, shared_;
    std::vector<py::object> containers_, targets_;
    std::vector<py::object> defaults_;  // per input: a default value, or null when required
    std::vector<OutSpec> outputs_;
    size_t n_returned_ = 0;
    std::vector<Message> messages_;
    py::object converter_;
    bool single_ = false;
    bool cleared_ = false;
    size_t total_dims_ = 0;  // shape entries of all inputs and shared variables
};

struct CallState {
    Function *fn;
    PyObject **results;
};

Function::Function(py::object library, py::sequence inputs, py::sequence shared,
                   py::sequence outputs, size_t n_returned, py::sequence update_targets,
                   py::sequence messages, py::object converter, bool single)
    : library_(library), n_returned_(n_returned), converter_(converter), single_(single) {
    if (!py::isinstance<Library>(library)) throw_py(PyExc_TypeError, "library must be a Library");
    entry_ = py::cast<Library &>(library).entry();
    for (size_t i = 0; i < inputs.size(); ++i)
        inputs_.push_back(parse_arg(inputs[i], "input"));
    for (size_t i = 0; i < inputs_.size(); ++i)
        inputs_[i].what += " (argument " + std::to_string(i) + ")";
    for (py::handle item : shared) {
        shared_.push_back(parse_arg(item, "shared variable"));
        containers_.push_back(list_of_one(py::cast<py::tuple>(item)[3], "a shared container"));
    }
    for (py::handle item : outputs) {
        py::tuple t = py::cast<py::tuple>(item);
        int ndim = py::cast<int>(t[1]);
        if (ndim < 0 || ndim > kMaxNdim) throw_py(PyExc_ValueError, "bad output ndim");
        outputs_.push_back(OutSpec{checked_type_num(t[0]), ndim});
    }
    if (n_returned > outputs_.size() || update_targets.size() != outputs_.size() - n_returned)
        throw_py(PyExc_ValueError, "outputs must be the returned results then one per update");
    for (py::handle t : update_targets) targets_.push_back(list_of_one(t, "an update target"));
    for (py::handle m : messages) messages_.push_back(parse_message(m));
    if (!converter.is_none() && !PyCallable_Check(converter.ptr()))
        throw_py(PyExc_TypeError, "converter must be callable or None");
    if (single && n_returned != 1) throw_py(PyExc_ValueError, "single needs one returned result");
    for (const auto &s : inputs_) total_dims_ += s.ndim;
    for (const auto &s : shared_) total_dims_ += s.ndim;
    check_layout(py::cast<Library &>(library));
}

/* The argument layout this function passes, in the form of mlc_layout (mlc_abi.h). */
std::string Function::layout() const {
    std::string out = "args=";
    const char *sep = "";
    for (const auto *specs : {&inputs_, &shared_})
        for (const auto &s : *specs) {
            out += sep + layout_code(s.type_num, s.ndim);
            sep = ",";
        }
    out += ";results=";
    sep = "";
    for (const auto &o : outputs_) {
        out += sep + layout_code(o.type_num, o.ndim);
        sep = ",";
    }
    return out + ";messages=" + std::to_string(messages_.size());
}

/* A library that states its layout is only ever called with that layout: another
 * function's code (a damaged or stale cache entry) would read its arguments wrongly. */
void Function::check_layout(const Library &lib) const {
    const std::string *want = lib.layout();
    if (!want) return;  // hand-written ABI code; emitted code always states it
    std::string got = layout();
    if (got != *want)
        throw_py(LayoutError, "library '" + lib.path() + "' was compiled for the layout '" +
                                  *want + "', but this function has the layout '" + got +
                                  "': the library belongs to another function");
}

py::tuple Function::input_names() const {
    py::tuple names(inputs_.size());
    for (size_t i = 0; i < inputs_.size(); ++i) names[i] = py::str(inputs_[i].name);
    return names;
}

/* Default values of inputs (mlc.In(x, value=...)), already converted to arrays of the
 * input's type; None marks a required input. */
void Function::set_defaults(py::sequence values) {
    if (values.size() != inputs_.size())
        throw_py(PyExc_ValueError, "defaults needs one entry (a value or None) per input");
    std::vector<py::object> d;
    for (py::handle v : values)
        d.push_back(v.is_none() ? py::object() : py::reinterpret_borrow<py::object>(v));
    defaults_.swap(d);
}

py::list Function::get_defaults() const {
    py::list out;
    for (size_t i = 0; i < inputs_.size(); ++i)
        out.append(has_default(i) ? defaults_[i] : py::none());
    return out;
}

void Function::set_count_error(Py_ssize_t nargs) const {
    size_t n = inputs_.size(), least = 0;
    std::string names;
    for (size_t i = 0; i < n; ++i) {
        names += (i ? ", " : "") + inputs_[i].name + (has_default(i) ? "=..." : "");
        if (!has_default(i)) least = i + 1;
    }
    std::string count = std::to_string(n);
    if (least < n) count = std::to_string(least) + " to " + count;
    std::string msg = "expected " + count + (n == 1 ? " argument" : " arguments") + " (" + names +
                      "), got " + std::to_string(nargs);
    PyErr_SetString(PyExc_TypeError, msg.c_str());
}

/* Fewer positional arguments than inputs: the missing trailing ones take their default
 * values. Off the hot path: a call that passes every argument never comes here. */
PyObject *Function::call_defaults(PyObject *const *args, Py_ssize_t nargs) {
    size_t n = inputs_.size(), given = static_cast<size_t>(nargs);
    if (given > n) {
        set_count_error(nargs);
        return nullptr;
    }
    SmallBuf<PyObject *, 16> all(n);
    Keep keep(n);  // a converter run during the call may replace the defaults
    for (size_t i = 0; i < n; ++i) {
        if (i < given) {
            all[i] = args[i];
        } else if (has_default(i)) {
            all[i] = defaults_[i].ptr();
            Py_INCREF(all[i]);
            keep.set(i, all[i]);
        } else {
            set_count_error(nargs);
            return nullptr;
        }
    }
    return call(all.data(), static_cast<Py_ssize_t>(n));
}

/* The slow path: anything but an ndarray of the declared dtype and ndim goes through the
 * Python converter, whose result is checked again. Returns a borrowed array (owned by
 * the caller's arguments or by `keep`) or NULL with an exception set. */
PyArrayObject *Function::to_array(size_t i, PyObject *obj, Keep &keep) {
    const ArgSpec &s = inputs_[i];
    if (PyArray_Check(obj)) {
        auto *a = reinterpret_cast<PyArrayObject *>(obj);
        if (PyArray_NDIM(a) == s.ndim && dtype_matches(a, s)) return a;
    }
    if (!converter_ || converter_.is_none()) {
        set_type_error(s, obj, "");
        return nullptr;
    }
    PyObject *r = PyObject_CallFunction(converter_.ptr(), "nO", static_cast<Py_ssize_t>(i), obj);
    if (!r) return nullptr;
    keep.set(i, r);
    auto *a = reinterpret_cast<PyArrayObject *>(r);
    if (!PyArray_Check(r) || PyArray_NDIM(a) != s.ndim || !dtype_matches(a, s)) {
        set_type_error(s, r, "after conversion ");
        return nullptr;
    }
    return a;
}

PyArrayObject *Function::normalize(PyArrayObject *a, const ArgSpec &s, size_t slot, Keep &keep) {
    if (s.has_static && !check_static_shape(a, s)) return nullptr;
    if (!needs_copy(a, s.itemsize)) return a;
    PyArray_Descr *d = PyArray_DescrFromType(s.type_num);  // stolen below
    PyObject *c = PyArray_FromArray(a, d, NPY_ARRAY_CARRAY_RO | NPY_ARRAY_ENSURECOPY);
    if (!c) return nullptr;
    keep.set(slot, c);
    return reinterpret_cast<PyArrayObject *>(c);
}

char *Function::prepare_input(size_t i, PyObject *obj, Keep &keep, ScalarSlot *slot,
                              int64_t *&shapes, int64_t *&strides) {
    const ArgSpec &s = inputs_[i];
    if (PyArray_Check(obj)) {
        auto *a = reinterpret_cast<PyArrayObject *>(obj);
        // trust_input skips conversions, never the checks that guard memory: an array
        // that fails one of them takes the checked path below (a copy or an error).
        if (trust_input && memory_safe(a, s)) return fill(a, s.ndim, s.itemsize, shapes, strides);
    } else if (s.ndim == 0 && write_scalar(s.type_num, obj, slot)) {
        return slot->bytes;
    }
    PyArrayObject *a = to_array(i, obj, keep);
    if (a) a = normalize(a, s, i, keep);
    return a ? fill(a, s.ndim, s.itemsize, shapes, strides) : nullptr;
}

/* Shared values are checked on every call (even trusted): Python code can put anything
 * in a container. */
char *Function::prepare_shared(size_t j, Keep &keep, int64_t *&shapes, int64_t *&strides) {
    const ArgSpec &s = shared_[j];
    PyObject *c = containers_[j].ptr();
    if (!c || PyList_GET_SIZE(c) != 1) {
        PyErr_SetString(PyExc_RuntimeError, (s.what + ": container was emptied").c_str());
        return nullptr;
    }
    PyObject *v = PyList_GET_ITEM(c, 0);
    Py_INCREF(v);  // a converter or GC callback may replace it before the call returns
    size_t slot = inputs_.size() + j;
    keep.set(slot, v);
    auto *a = reinterpret_cast<PyArrayObject *>(v);
    if (!PyArray_Check(v) || PyArray_NDIM(a) != s.ndim || !dtype_matches(a, s)) {
        set_type_error(s, v, "");
        return nullptr;
    }
    a = normalize(a, s, slot, keep);
    return a ? fill(a, s.ndim, s.itemsize, shapes, strides) : nullptr;
}

PyObject *Function::call(PyObject *const *args, Py_ssize_t nargs) {
    if (cleared_) {
        PyErr_SetString(PyExc_RuntimeError, "function was cleared by the garbage collector");
        return nullptr;
    }
    if (static_cast<size_t>(nargs) != inputs_.size()) return call_defaults(args, nargs);
    size_t n_in = inputs_.size(), n_all = n_in + shared_.size();
    SmallBuf<char *, 16> data(n_all);
    SmallBuf<int64_t, 64> shapes(total_dims_), strides(total_dims_);
    SmallBuf<ScalarSlot, 8> slots(n_in);
    Keep keep(n_all);
    int64_t *sh = shapes.data(), *st = strides.data();
    for (size_t i = 0; i < n_in; ++i)
        if (!(data[i] = prepare_input(i, args[i], keep, &slots[i], sh, st))) return nullptr;
    for (size_t j = 0; j < shared_.size(); ++j)
        if (!(data[n_in + j] = prepare_shared(j, keep, sh, st))) return nullptr;
    return invoke(data.data(), shapes.data(), strides.data());
}

/* Keyword arguments are matched to input names; rare, so it simply rebuilds the
 * positional vector. */
PyObject *Function::call_kw(PyObject *args, PyObject *kwargs) {
    size_t n = inputs_.size(), npos = static_cast<size_t>(PyTuple_GET_SIZE(args));
    if (npos > n) {
        set_count_error(static_cast<Py_ssize_t>(npos));
        return nullptr;
    }
    SmallBuf<PyObject *, 16> all(n);
    Keep keep(n);
    for (size_t i = 0; i < n; ++i) all[i] = i < npos ? PyTuple_GET_ITEM(args, i) : nullptr;
    PyObject *key, *value;
    Py_ssize_t pos = 0;
    while (PyDict_Next(kwargs, &pos, &key, &value)) {
        Py_ssize_t len = 0;  // names may hold NUL characters: compare whole strings
        const char *utf8 = PyUnicode_Check(key) ? PyUnicode_AsUTF8AndSize(key, &len) : nullptr;
        if (!utf8) return PyErr_Format(PyExc_TypeError, "keywords must be strings");
        std::string k(utf8, static_cast<size_t>(len));
        size_t i = 0;
        while (i < n && inputs_[i].name != k) ++i;
        if (i == n) return PyErr_Format(PyExc_TypeError, "unexpected keyword argument %R", key);
        size_t j = i + 1;
        while (j < n && inputs_[j].name != k) ++j;
        if (j < n)
            return PyErr_Format(PyExc_TypeError, "ambiguous keyword argument %R: inputs %zu "
                                "and %zu both have that name", key, i, j);
        if (all[i]) return PyErr_Format(PyExc_TypeError, "got multiple values for %R", key);
        all[i] = value;
    }
    for (size_t i = 0; i < n; ++i) {
        if (all[i]) continue;
        if (!has_default(i))
            return PyErr_Format(PyExc_TypeError, "missing %s", inputs_[i].what.c_str());
        all[i] = defaults_[i].ptr();
        Py_INCREF(all[i]);
        keep.set(i, all[i]);
    }
    return call(all.data(), static_cast<Py_ssize_t>(n));
}

PyObject *Function::invoke(char **data, const int64_t *shapes, const int64_t *strides) {
    size_t n_out = outputs_.size();
    SmallBuf<PyObject *, 16> results(n_out);
    for (size_t k = 0; k < n_out; ++k) results[k] = nullptr;
    CallState state{this, results.data()};
    mlc_ctx ctx{};
    ctx.alloc_output = alloc_output;
    ctx.runtime = &state;
    ctx.poll = poll_signals;
    int64_t rc = entry_(&ctx, data, shapes, strides);
    if (set_call_error(rc, ctx, results.data())) {
        for (size_t k = 0; k < n_out; ++k) Py_XDECREF(results[k]);
        return nullptr;
    }
    return finish(results.data());
}

/* Returns true (with an exception set) when the call failed in any way. */
bool Function::set_call_error(int64_t rc, const mlc_ctx &ctx, PyObject **results) {
    if (PyErr_Occurred()) return true;  // alloc_output's own error is the most precise
    if (rc != 0) {
        int64_t code = ctx.err_code ? ctx.err_code : rc;
        if (code >= 1 && static_cast<size_t>(code) < messages_.size()) {
            const Message &m = messages_[code];
            PyErr_SetString(m.kind, format_message(m.text, ctx.err_vals).c_str());
        } else if (code == MLC_ERR_ALLOC) {
            PyErr_NoMemory();  // a malloc in emitted code failed and no message was given
        } else {
            PyErr_Format(PyExc_RuntimeError, "compiled function failed with error code %lld",
                         static_cast<long long>(code));
        }
        return true;
    }
    for (size_t k = 0; k < outputs_.size(); ++k)
        if (!results[k]) {
            PyErr_Format(PyExc_RuntimeError, "compiled function did not produce result %zu", k);
            return true;
        }
    for (const auto &t : targets_)
        if (!t || PyList_GET_SIZE(t.ptr()) != 1) {
            PyErr_SetString(PyExc_RuntimeError, "an update target is no longer a list of one");
            return true;
        }
    return false;
}

/* Builds the return value first, so that once updates are stored nothing can fail. */
PyObject *Function::finish(PyObject **results) {
    PyObject *ret;
    if (single_) {
        ret = results[0];
    } else if ((ret = PyList_New(static_cast<Py_ssize_t>(n_returned_)))) {
        for (size_t k = 0; k < n_returned_; ++k) PyList_SET_ITEM(ret, k, results[k]);
    } else {
        for (size_t k = 0; k < outputs_.size(); ++k) Py_DECREF(results[k]);
        return nullptr;
    }
    size_t n_up = targets_.size();
    SmallBuf<PyObject *, 16> old(n_up);
    for (size_t j = 0; j < n_up; ++j) {
        PyObject *t = targets_[j].ptr();
        old[j] = PyList_GET_ITEM(t, 0);
        PyList_SET_ITEM(t, 0, results[n_returned_ + j]);
    }
    // Released only after every container holds its new value: a destructor that runs
    // here sees a consistent state.
    for (size_t j = 0; j < n_up; ++j) Py_DECREF(old[j]);
    return ret;
}

char *alloc_output(mlc_ctx *ctx, int64_t index, const int64_t *shape) {
    auto *state = static_cast<CallState *>(ctx->runtime);
    const auto &outs = state->fn->outputs_;
    if (index < 0 || static_cast<size_t>(index) >= outs.size() || state->results[index]) {
        PyErr_Format(PyExc_RuntimeError, "compiled code requested result %lld wrongly",
                     static_cast<long long>(index));
        return nullptr;
    }
    const OutSpec &o = outs[index];
    for (int d = 0; d < o.ndim; ++d)
        if (!shape || shape[d] < 0) {
            PyErr_Format(PyExc_ValueError, "result %lld: negative or missing size",
                         static_cast<long long>(index));
            return nullptr;
        }
    PyObject *a = PyArray_SimpleNew(o.ndim, const_cast<npy_intp *>(shape), o.type_num);
    if (!a) return nullptr;
    state->results[index] = a;
    return PyArray_BYTES(reinterpret_cast<PyArrayObject *>(a));
}

py::object Function::run_n(long long n) {
    for (size_t i = 0; i < inputs_.size(); ++i)
        if (!has_default(i))
            throw_py(PyExc_TypeError, "run_n needs a function without explicit inputs, or "
                                      "whose inputs all have default values");
    if (n < 0) throw_py(PyExc_ValueError, "run_n needs n >= 0");
    py::object last = py::none();
    for (long long i = 0; i < n; ++i) {
        if (PyErr_CheckSignals() < 0) throw py::error_already_set();
        PyObject *r = call(nullptr, 0);
        if (!r) throw py::error_already_set();
        last = py::reinterpret_steal<py::object>(r);
    }
    return last;
}

int Function::traverse(visitproc visit, void *arg) {
    Py_VISIT(library_.ptr());
    Py_VISIT(converter_.ptr());
    for (const auto &c : containers_) Py_VISIT(c.ptr());
    for (const auto &t : targets_) Py_VISIT(t.ptr());
    for (const auto &d : defaults_) Py_VISIT(d.ptr());
    return 0;
}

void Function::clear() {
    cleared_ = true;
    library_ = py::object();
    converter_ = py::object();
    for (auto &c : containers_) c = py::object();
    for (auto &t : targets_) t = py::object();
    for (auto &d : defaults_) d = py::object();
}

// ---- Type slots.

Function *function_of(PyObject *self) {
    auto *inst = reinterpret_cast<py::detail::instance *>(self);
    auto vh = inst->get_value_and_holder();
    if (!vh.holder_constructed()) {
        PyErr_SetString(PyExc_TypeError, "Function.__init__ was not called");
        return nullptr;
    }
    return vh.value_ptr<Function>();
}

extern "C" PyObject *function_tp_call(PyObject *self, PyObject *args, PyObject *kwargs) {
    Function *f = function_of(self);
    if (!f) return nullptr;
    try {
        if (kwargs && PyDict_GET_SIZE(kwargs)) return f->call_kw(args, kwargs);
        return f->call(PySequence_Fast_ITEMS(args), PyTuple_GET_SIZE(args));
    } catch (const std::bad_alloc &) {
        return PyErr_NoMemory();
    } catch (py::error_already_set &e) {
        e.restore();
        return nullptr;
    } catch (const std::exception &e) {
        PyErr_SetString(PyExc_RuntimeError, e.what());
        return nullptr;
    }
}

extern "C" int function_tp_traverse(PyObject *self, visitproc visit, void *arg) {
    int r = py::detail::pybind11_traverse(self, visit, arg);  // __dict__ and the type
    if (r || !py::detail::is_holder_constructed(self)) return r;
    return function_of(self)->traverse(visit, arg);
}

extern "C" int function_tp_clear(PyObject *self) {
    py::detail::pybind11_clear(self);
    if (py::detail::is_holder_constructed(self)) function_of(self)->clear();
    return 0;
}

/* Runs before PyType_Ready, so `__call__` becomes a slot wrapper of function_tp_call
 * and Python subclasses inherit the C slot itself. */
void setup_function_type(PyHeapTypeObject *heap_type) {
    PyTypeObject *type = &heap_type->ht_type;
    type->tp_call = function_tp_call;
    type->tp_traverse = function_tp_traverse;
    type->tp_clear = function_tp_clear;
}

}  // namespace

PYBIND11_MODULE(_rt, m) {
    m.doc() = "mlc runtime: load compiled .so files and call their mlc_entry on NumPy arrays";
    if (_import_array() < 0) throw py::error_already_set();
    m.attr("ABI_VERSION") = MLC_ABI_VERSION;

    LayoutError = PyErr_NewExceptionWithDoc(
        "mlc.runtime._rt.LayoutError",
        "A library was paired with a function whose argument layout differs from the one "
        "the library was compiled for (mlc_layout).",
        PyExc_RuntimeError, nullptr);
    if (!LayoutError) throw py::error_already_set();
    m.attr("LayoutError") = py::reinterpret_borrow<py::object>(LayoutError);
    size_t n_kinds;
    const auto *kinds = message_kinds(n_kinds);
    py::tuple kind_names(n_kinds);
    for (size_t i = 0; i < n_kinds; ++i) kind_names[i] = py::str(kinds[i].first);
    m.attr("MESSAGE_KINDS") = kind_names;

    py::class_<Library>(m, "Library", "A dlopen'ed compiled function library; unloaded "
                                      "(after its mlc_release) when the last reference goes.")
        .def(py::init<const std::string &>(), py::arg("path"))
        .def_property_readonly("path", &Library::path)
        .def_property_readonly("layout", &Library::layout_or_none,
                               "The library's mlc_layout string, or None when it has none.");

    py::class_<Function>(m, "Function", py::dynamic_attr(),
                         py::custom_type_setup(setup_function_type),
                         "A compiled function: call it with the explicit inputs.")
        .def(py::init<py::object, py::sequence, py::sequence, py::sequence, size_t,
                      py::sequence, py::sequence, py::object, bool>(),
             py::arg("library"), py::arg("inputs"), py::arg("shared"), py::arg("outputs"),
             py::arg("n_returned"), py::arg("update_targets"), py::arg("messages"),
             py::arg("converter"), py::arg("single"))
        .def_readwrite("trust_input", &Function::trust_input)
        .def_property_readonly("input_names", &Function::input_names)
        .def_property("defaults", &Function::get_defaults, &Function::set_defaults,
                      "Per input: the value used when the call omits it, or None.")
        .def("run_n", &Function::run_n, py::arg("n"),
             "Call a function without explicit inputs (or with defaults for all) n times "
             "in native code; "
             "returns the last results (None when n == 0).");
}
