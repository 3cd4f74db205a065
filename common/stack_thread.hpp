#pragma once
// A thread with a stack of a chosen size. The evaluator recurses once per nesting level of a rule
// (and of what it calls), so its threads get limits::worker_stack_bytes rather than the 8 MB
// default: the depth limits then hold in every build, -O0 and sanitizer builds included.
#include <pthread.h>

#include <cstddef>
#include <functional>
#include <system_error>
#include <utility>

#include "common/limits.hpp"

namespace kbl {

class stack_thread {
public:
    explicit stack_thread(std::function<void()> fn, std::size_t stack_bytes = limits::worker_stack_bytes)
        : fn_(std::move(fn)) {
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setstacksize(&attr, stack_bytes);
        int rc = pthread_create(&id_, &attr, &stack_thread::start, this);
        pthread_attr_destroy(&attr);
        if (rc != 0) throw std::system_error(rc, std::generic_category(), "cannot start a worker thread");
    }
    stack_thread(const stack_thread&) = delete;
    stack_thread& operator=(const stack_thread&) = delete;
    ~stack_thread() { join(); }

    void join() {
        if (!joined_) pthread_join(id_, nullptr);
        joined_ = true;
    }

    /// Run `fn` on a thread of its own with a stack of `stack_bytes` and wait for it.
    static void run(std::function<void()> fn, std::size_t stack_bytes = limits::worker_stack_bytes) {
        stack_thread t(std::move(fn), stack_bytes);
        t.join();
    }

private:
    static void* start(void* self) {
        static_cast<stack_thread*>(self)->fn_();  // fn_ catches everything (for_each_index in checker/engine/fleet.cpp)
        return nullptr;
    }
    std::function<void()> fn_;
    pthread_t id_{};
    bool joined_ = false;
};

} // namespace kbl
