#include "parser/pt_node.hpp"

#include <new>

namespace kbl::build {

namespace {

// Freed nodes of this thread, reused by the next allocation of the same size. Nodes live only while
// one declaration is parsed and built, so the list never holds more than the largest tree.
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
};

thread_local free_list pool;

} // namespace

void* pt_node::operator new(std::size_t size) {
    if (size != sizeof(pt_node) || !pool.head) return ::operator new(size);
    free_list::slot* s = pool.head;
    pool.head = s->next;
    return s;
}

void pt_node::operator delete(void* p, std::size_t size) noexcept {
    if (size != sizeof(pt_node)) {
        ::operator delete(p);
        return;
    }
    auto* s = static_cast<free_list::slot*>(p);
    s->next = pool.head;
    pool.head = s;
}

} // namespace kbl::build
