#pragma once
// PEGTL's parse_tree::parse, with one change: a rule that is not selected but may hold selected
// children gets no node of its own. PEGTL makes one for each of its attempts and moves the node's
// children into the parent's on success; every level of the expression grammar is such a rule, so
// that was a dozen nodes made and dropped per operand. Here the selected children are appended to
// the nearest selected ancestor directly, and a failed attempt removes what it appended (a mark per
// attempt). The tree is the same; selected rules behave exactly as in PEGTL (store, transform,
// their Control's hooks). Built on parse_tree's internals of PEGTL 3.2.7 (transform, is_selected_node,
// is_leaf), which this header mirrors.
#include <cassert>
#include <cstddef>
#include <memory>
#include <vector>

#include <tao/pegtl.hpp>
#include <tao/pegtl/contrib/parse_tree.hpp>
#include <tao/pegtl/contrib/remove_first_state.hpp>
#include <tao/pegtl/contrib/shuffle_states.hpp>

namespace kbl::build::flat_tree {

namespace pegtl = tao::pegtl;
namespace pti = tao::pegtl::parse_tree::internal;

template <typename Node>
struct state {
    std::vector<std::unique_ptr<Node>> stack;  // the open selected nodes; the root first
    std::vector<std::size_t> marks;            // per open unselected attempt: its parent's child count
    state() { stack.push_back(std::make_unique<Node>()); }
    std::unique_ptr<Node>& back() noexcept { return stack.back(); }
    void drop_since_mark() {
        auto& c = stack.back()->children;
        c.erase(c.begin() + static_cast<std::ptrdiff_t>(marks.back()), c.end());
        marks.pop_back();
    }
};

template <typename Node, template <typename...> class Selector, template <typename...> class Control>
struct make_control {
    template <typename Rule, bool Selected, bool Leaf>
    struct state_handler;

    template <typename Rule>
    using type = pegtl::rotate_states_right<
        state_handler<Rule, pti::is_selected_node<Rule, Selector>, pti::is_leaf<8, typename Rule::subs_t, Selector>>>;
};

// Neither selected nor holding a selected rule: PEGTL's own control.
template <typename Node, template <typename...> class Selector, template <typename...> class Control>
template <typename Rule>
struct make_control<Node, Selector, Control>::state_handler<Rule, false, true> : pegtl::remove_first_state<Control<Rule>> {};

// Not selected, may hold selected rules: a mark, no node.
template <typename Node, template <typename...> class Selector, template <typename...> class Control>
template <typename Rule>
struct make_control<Node, Selector, Control>::state_handler<Rule, false, false> : pegtl::remove_first_state<Control<Rule>> {
    static constexpr bool enable = true;
    template <typename ParseInput, typename... States>
    static void start(const ParseInput&, state<Node>& s, States&&...) {
        s.marks.push_back(s.back()->children.size());
    }
    template <typename ParseInput, typename... States>
    static void success(const ParseInput&, state<Node>& s, States&&...) {
        s.marks.pop_back();
    }
    template <typename ParseInput, typename... States>
    static void failure(const ParseInput&, state<Node>& s, States&&...) {
        s.drop_since_mark();
    }
    template <typename ParseInput, typename... States>
    static void unwind(const ParseInput&, state<Node>& s, States&&...) {
        s.drop_since_mark();
    }
};

// Selected: as PEGTL's parse_tree.
template <typename Node, template <typename...> class Selector, template <typename...> class Control>
template <typename Rule, bool Leaf>
struct make_control<Node, Selector, Control>::state_handler<Rule, true, Leaf> : pegtl::remove_first_state<Control<Rule>> {
    template <typename ParseInput, typename... States>
    static void start(const ParseInput& in, state<Node>& s, States&&... st) {
        Control<Rule>::start(in, st...);
        s.stack.push_back(std::make_unique<Node>());
        s.back()->template start<Rule>(in, st...);
    }
    template <typename ParseInput, typename... States>
    static void success(const ParseInput& in, state<Node>& s, States&&... st) {
        auto n = std::move(s.back());
        s.stack.pop_back();
        n->template success<Rule>(in, st...);
        pti::transform<Selector<Rule>>(in, n, st...);
        if (n) s.back()->emplace_back(std::move(n), st...);
        Control<Rule>::success(in, st...);
    }
    template <typename ParseInput, typename... States>
    static void failure(const ParseInput& in, state<Node>& s, States&&... st) {
        s.back()->template failure<Rule>(in, st...);
        s.stack.pop_back();
        Control<Rule>::failure(in, st...);
    }
    template <typename ParseInput, typename... States>
    static void unwind(const ParseInput& in, state<Node>& s, States&&... st) {
        s.stack.pop_back();
        if constexpr (pegtl::internal::has_unwind<Control<Rule>, void, const ParseInput&, States...>)
            Control<Rule>::unwind(in, st...);
    }
};

/// parse_tree::parse<Rule, Node, Selector, Action, Control>(in, st...) with the flat control above.
template <typename Rule, typename Node, template <typename...> class Selector, template <typename...> class Action,
          template <typename...> class Control, typename ParseInput, typename... States>
std::unique_ptr<Node> parse(ParseInput&& in, States&&... st) {
    state<Node> s;
    if (!pegtl::parse<Rule, Action, make_control<Node, Selector, Control>::template type>(in, st..., s)) return nullptr;
    assert(s.stack.size() == 1 && s.marks.empty());
    return std::move(s.back());
}

} // namespace kbl::build::flat_tree
