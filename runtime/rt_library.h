/* rt_library.h: what a compiled artifact brings to the runtime module (_rt.cpp, which
 * includes it once, after its own helpers such as throw_py): the loaded library
 * (`Library`: dlopen, its entry point and its optional exports mlc_layout and
 * mlc_release, see mlc_abi.h), the argument-layout codes that Function compares with
 * mlc_layout, and the message table (exception kind and text per error code).
 */
#pragma once

#include <dlfcn.h>
#include <link.h>

namespace {

// ---- Library: one dlopen'ed .so, its entry point and its optional exports.

PyObject *LayoutError = nullptr;  // _rt.LayoutError, created at module init

/* The NUL-terminated string constant `name` of a loaded library, bounded by its ELF
 * symbol size so that a malformed library cannot make us read past it. */
bool read_string_symbol(void *handle, const char *name, std::string &out) {
    dlerror();
    void *addr = dlsym(handle, name);
    if (!addr) return false;
    Dl_info info;
    void *entry = nullptr;
    if (!dladdr1(addr, &info, &entry, RTLD_DL_SYMENT) || !entry) return false;
    const auto *sym = static_cast<const ElfW(Sym) *>(entry);
    if (sym->st_size == 0)
        return false;
    const char *text = static_cast<const char *>(addr);
    size_t n = strnlen(text, sym->st_size);
    if (n == sym->st_size) return false;  // not terminated inside the symbol
    out.assign(text, n);
    return true;
}

class Library {
  public:
    explicit Library(const std::string &path) : path_(path) {
        // Without a slash dlopen searches system directories; we always mean a file.
        std::string file = path.find('/') == std::string::npos ? "./" + path : path;
        handle_ = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (!handle_) {
            const char *err = dlerror();
            throw_py(PyExc_OSError, "cannot load '" + path + "': " + (err ? err : "unknown error"));
        }
        dlerror();
        entry_ = reinterpret_cast<mlc_entry_fn>(dlsym(handle_, "mlc_entry"));
        if (!entry_) {
            const char *err = dlerror();
            std::string msg = "'" + path + "' has no symbol mlc_entry: " + (err ? err : "null");
            dlclose(handle_);  // invalidates err
            throw_py(PyExc_OSError, msg);
        }
        has_layout_ = read_string_symbol(handle_, "mlc_layout", layout_);
        dlerror();
        release_ = reinterpret_cast<void (*)(void)>(dlsym(handle_, "mlc_release"));
        dlerror();
    }
    // The library's static storage (the scratch arena) is freed before it is unmapped.
    ~Library() {
        if (release_) release_();
        dlclose(handle_);
    }
    Library(const Library &) = delete;
    Library &operator=(const Library &) = delete;

    const std::string &path() const { return path_; }
    mlc_entry_fn entry() const { return entry_; }
    const std::string *layout() const { return has_layout_ ? &layout_ : nullptr; }
    py::object layout_or_none() const {
        return has_layout_ ? py::object(py::str(layout_)) : py::object(py::none());
    }

  private:
    std::string path_;
    void *handle_ = nullptr;
    mlc_entry_fn entry_ = nullptr;
    void (*release_)(void) = nullptr;
    bool has_layout_ = false;
    std::string layout_;
};

struct Message {
    PyObject *kind;  // a builtin exception type (immortal)
    std::string text;
};

const std::pair<const char *, PyObject *> *message_kinds(size_t &n) {
    static const std::pair<const char *, PyObject *> kinds[] = {
        {"ValueError", PyExc_ValueError},         {"IndexError", PyExc_IndexError},
        {"MemoryError", PyExc_MemoryError},       {"RuntimeError", PyExc_RuntimeError},
        {"AssertionError", PyExc_AssertionError}, {"TypeError", PyExc_TypeError},
        {"OverflowError", PyExc_OverflowError},   {"ZeroDivisionError", PyExc_ZeroDivisionError},
        {"FloatingPointError", PyExc_FloatingPointError}};
    n = sizeof(kinds) / sizeof(kinds[0]);
    return kinds;
}

/* "f8:2": the kind and item size of a NumPy type and a rank, as in mlc_layout. */
std::string layout_code(int type_num, int ndim) {
    PyArray_Descr *d = PyArray_DescrFromType(type_num);
    std::string code = std::string(1, d->kind) + std::to_string(PyDataType_ELSIZE(d)) + ":" +
                       std::to_string(ndim);
    Py_DECREF(d);
    return code;
}

Message parse_message(py::handle item) {
    size_t n;
    const auto *kinds = message_kinds(n);
    py::tuple t = py::cast<py::tuple>(item);
    std::string kind = py::cast<std::string>(t[0]);
    for (size_t i = 0; i < n; ++i)
        if (kind == kinds[i].first) return Message{kinds[i].second, py::cast<std::string>(t[1])};
    throw_py(PyExc_ValueError, "unknown exception kind '" + kind + "'");
}

/* Substitutes {0}..{3} with err_vals and {{ / }} with braces, like str.format on the
 * texts we are given, but never fails on a stray brace. */
std::string format_message(const std::string &text, const int64_t *vals) {
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if ((c == '{' || c == '}') && i + 1 < text.size() && text[i + 1] == c) {
            out += c;
            ++i;
        } else if (c == '{' && i + 2 < text.size() && text[i + 1] >= '0' &&
                   text[i + 1] <= '3' && text[i + 2] == '}') {
            out += std::to_string(vals[text[i + 1] - '0']);
            i += 2;
        } else {
            out += c;
        }
    }
    return out;
}

}  // namespace
