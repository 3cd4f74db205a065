#pragma once
// PEGTL's parse_tree::parse without a node per attempt. PEGTL makes a node when a selected rule
// starts and drops it when the attempt fails; it also makes one for every unselected rule that may
// hold selected children and moves its children to the parent on success. Every level of the
// expression grammar and every literal tried before a name is such an attempt, so that was dozens
// of nodes made and dropped per operand. Here finished nodes wait on one flat stack (`pending`);
// each open attempt of a selected or a possibly-holding rule keeps a mark (the stack's size, and
// for a selected rule where it started). A selected rule's node is made only when the rule
// succeeds: it takes the nodes above its mark as its children; a fold_one rule with one child
// makes none (fold_one would replace it by that child). A failed attempt drops what it pushed. The tree is the same as PEGTL's; selected rules behave exactly as in PEGTL (Node's
// start/success, store/transform, their Control's hooks). Built on parse_tree's internals of
// PEGTL 3.2.7 (transform, is_selected_node, is_leaf), which this header mirrors.
#include <cassert>
#include <cstddef>
#include <iterator>
#include <memory>
#include <type_traits>
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
    struct mark {
        std::size_t count;                  // pending.size() when the attempt started
        pegtl::internal::iterator begin;    // where a selected rule started
    };
    std::vector<std::unique_ptr<Node>> pending;  // finished nodes not yet taken by their parent
    std::vector<mark> marks;                     // per open attempt (never shrinks: see top)
    std::size_t top = 0;                         // marks in use
    state() {
        pending.reserve(64);
        marks.resize(256);
    }
    // An attempt starts: every rule attempt that may hold a node passes here, so the common path
    // is a store, without vector's growth code inline.
    void push(pegtl::internal::iterator begin) {
        if (top == marks.size()) [[unlikely]]
            marks.resize(2 * marks.size());
        marks[top++] = {pending.size(), begin};
    }
    mark& back() noexcept { return marks[top - 1]; }
    void drop_since_mark() {
        const std::size_t count = marks[--top].count;
        if (count != pending.size()) pending.erase(pending.begin() + static_cast<std::ptrdiff_t>(count), pending.end());
    }
};

// A failed or unwound attempt of a rule that set a mark drops the nodes it pushed, then calls the
// rule's own control: the end of every attempt that passes through `push`.
template <typename Node, template <typename...> class Control, typename Rule>
struct drop_attempt : pegtl::remove_first_state<Control<Rule>> {
    template <typename ParseInput, typename... States>
    static void failure(const ParseInput& in, state<Node>& s, States&&... st) {
        s.drop_since_mark();
        Control<Rule>::failure(in, st...);
    }
    template <typename ParseInput, typename... States>
    static void unwind(const ParseInput& in, state<Node>& s, States&&... st) {
        s.drop_since_mark();
        if constexpr (pegtl::internal::has_unwind<Control<Rule>, void, const ParseInput&, States...>)
            Control<Rule>::unwind(in, st...);
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
struct make_control<Node, Selector, Control>::state_handler<Rule, false, false> : drop_attempt<Node, Control, Rule> {
    static constexpr bool enable = true;
    template <typename ParseInput, typename... States>
    static void start(const ParseInput& in, state<Node>& s, States&&... st) {
        Control<Rule>::start(in, st...);
        s.push({});
    }
    template <typename ParseInput, typename... States>
    static void success(const ParseInput& in, state<Node>& s, States&&... st) {
        --s.top;
        Control<Rule>::success(in, st...);
    }
};

// Selected: the node is made on success, from where the rule started and the nodes its attempt pushed.
template <typename Node, template <typename...> class Selector, template <typename...> class Control>
template <typename Rule, bool Leaf>
struct make_control<Node, Selector, Control>::state_handler<Rule, true, Leaf> : drop_attempt<Node, Control, Rule> {
    template <typename ParseInput, typename... States>
    static void start(const ParseInput& in, state<Node>& s, States&&... st) {
        Control<Rule>::start(in, st...);
        s.push(in.iterator());
    }
    template <typename ParseInput, typename... States>
    static void success(const ParseInput& in, state<Node>& s, States&&... st) {
        if constexpr (std::is_same_v<Selector<Rule>, pegtl::parse_tree::fold_one>) {
            // fold_one would make a node and replace it by its one child: leave the child where it is.
            if (s.pending.size() == s.back().count + 1) {
                --s.top;
                Control<Rule>::success(in, st...);
                return;
            }
        }
        auto n = std::make_unique<Node>();
        n->template start<Rule>(in, st...);
        n->m_begin = s.back().begin;
        n->template success<Rule>(in, st...);
        const auto first = s.pending.begin() + static_cast<std::ptrdiff_t>(s.back().count);
        if (first != s.pending.end()) {
            n->children.reserve(static_cast<std::size_t>(s.pending.end() - first));
            for (auto it = first; it != s.pending.end(); ++it) n->emplace_back(std::move(*it), st...);
            s.pending.erase(first, s.pending.end());
        }
        --s.top;
        pti::transform<Selector<Rule>>(in, n, st...);
        if (n) s.pending.push_back(std::move(n));
        Control<Rule>::success(in, st...);
    }
};

/// parse_tree::parse<Rule, Node, Selector, Action, Control>(in, st...) with the flat control above.
template <typename Rule, typename Node, template <typename...> class Selector, template <typename...> class Action,
          template <typename...> class Control, typename ParseInput, typename... States>
std::unique_ptr<Node> parse(ParseInput&& in, States&&... st) {
    state<Node> s;
    if (!pegtl::parse<Rule, Action, make_control<Node, Selector, Control>::template type>(in, st..., s)) return nullptr;
    assert(s.top == 0);
    auto root = std::make_unique<Node>();
    root->children.reserve(s.pending.size());
    for (auto& n : s.pending) root->emplace_back(std::move(n), st...);
    return root;
}

} // namespace kbl::build::flat_tree
