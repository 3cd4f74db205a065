#pragma once
// The node of PEGTL's parse tree that the parser uses. PEGTL makes a node for every attempt of a
// rule that may hold selected children and drops it when the attempt fails, and every level of the
// expression grammar moves its children into a fresh vector, so allocating nodes and child vectors
// was most of the cost of parsing a pack. Both come from per-thread free lists instead: the node by
// its operator new, the child vector by its allocator. `children` and `emplace_back` hide
// basic_node's (PEGTL's parse_tree reaches both through the node type, so it uses these).
#include <cstddef>
#include <memory>
#include <vector>

#include <tao/pegtl/contrib/parse_tree.hpp>

namespace kbl::build {

/// Blocks of 2^k pointers from a per-thread free list (k < pool_classes), larger ones from the heap.
void* pool_allocate(std::size_t bytes);
void pool_deallocate(void* p, std::size_t bytes) noexcept;

template <typename T>
struct pool_allocator {
    using value_type = T;
    pool_allocator() noexcept = default;
    template <typename U>
    pool_allocator(const pool_allocator<U>&) noexcept {}
    T* allocate(std::size_t n) { return static_cast<T*>(pool_allocate(n * sizeof(T))); }
    void deallocate(T* p, std::size_t n) noexcept { pool_deallocate(p, n * sizeof(T)); }
    template <typename U>
    bool operator==(const pool_allocator<U>&) const noexcept { return true; }
};

struct pt_node : tao::pegtl::parse_tree::basic_node<pt_node> {
    using children_t = std::vector<std::unique_ptr<pt_node>, pool_allocator<std::unique_ptr<pt_node>>>;
    children_t children;

    template <typename... States>
    void emplace_back(std::unique_ptr<pt_node>&& child, States&&... /*unused*/) {
        children.emplace_back(std::move(child));
    }

    static void* operator new(std::size_t size);
    static void operator delete(void* p, std::size_t size) noexcept;
};

} // namespace kbl::build
