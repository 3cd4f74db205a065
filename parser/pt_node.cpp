#include "parser/pt_node.hpp"

#include <bit>
#include <new>

namespace kbl::build {

namespace {

// Freed blocks of one size, reused by the next allocation of that size. Nodes and their child
// vectors live only while one declaration is parsed and built, so a list never holds more than
// the largest tree needed.
struct free_list {
    struct slot {
        slot* next;
    };
    slot* head = nullptr;
    free_list() = default;
    free_list(const free_list&) = delete;
    free_list& operator=(const free_list&) = delete;
    ~free_list() {
        while (head) {
            slot* next = head->next;
            ::operator delete(head);
            head = next;
        }
    }
    void* take(std::size_t bytes) {
        if (!head) return ::operator new(bytes);
        slot* s = head;
        head = s->next;
        return s;
    }
    void give(void* p) noexcept {
        auto* s = static_cast<slot*>(p);
        s->next = head;
        head = s;
    }
};

constexpr std::size_t pool_classes = 8;  // child vectors of up to 128 pointers

thread_local free_list nodes;
thread_local free_list blocks[pool_classes];

// The class of a block of `bytes` (2^k pointers), or pool_classes when it is not pooled.
std::size_t class_of(std::size_t bytes) {
    const std::size_t words = (bytes + sizeof(void*) - 1) / sizeof(void*);
    const std::size_t k = static_cast<std::size_t>(std::bit_width(std::bit_ceil(words)) - 1);
    return k < pool_classes ? k : pool_classes;
}

} // namespace

void* pool_allocate(std::size_t bytes) {
    const std::size_t k = class_of(bytes);
    return k < pool_classes ? blocks[k].take(sizeof(void*) << k) : ::operator new(bytes);
}

void pool_deallocate(void* p, std::size_t bytes) noexcept {
    const std::size_t k = class_of(bytes);
    if (k < pool_classes) blocks[k].give(p);
    else ::operator delete(p);
}

void* pt_node::operator new(std::size_t size) {
    return size == sizeof(pt_node) ? nodes.take(size) : ::operator new(size);
}

void pt_node::operator delete(void* p, std::size_t size) noexcept {
    if (size == sizeof(pt_node)) nodes.give(p);
    else ::operator delete(p);
}

} // namespace kbl::build
