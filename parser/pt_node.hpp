#pragma once
// The node of PEGTL's parse tree that the parser uses. PEGTL makes a node for every attempt of a
// rule that may hold selected children and drops it when the attempt fails, so allocating nodes
// was most of the cost of parsing a pack; this node comes from a per-thread free list instead.
#include <cstddef>

#include <tao/pegtl/contrib/parse_tree.hpp>

namespace kbl::build {

struct pt_node : tao::pegtl::parse_tree::basic_node<pt_node> {
    static void* operator new(std::size_t size);
    static void operator delete(void* p, std::size_t size) noexcept;
};

} // namespace kbl::build
