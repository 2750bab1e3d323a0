// Recurrent kernels: RNN, GRU and LSTM (forward, reverse or bidirectional, sequence lengths,
// both layouts). One driver walks the sequence; each kernel says how a step updates its state.
// Every gate's pre-activation is ((x·W + h·R) + Wb) + Rb, each dot product canonical_dot_of,
// then clipped if `clip` is set; the activations are faultline's own (elementary.hpp).
#include <algorithm>
#include <string>

#include "faultline/onnx/elementary.hpp"
#include "kernel_support.hpp"
#include "kernels.hpp"

namespace faultline::onnx::detail {
namespace {

namespace el = elementary;

enum class Kind { rnn, gru, lstm };

struct Activation {
  std::string name;
  float alpha = 0, beta = 0;

  [[nodiscard]] float operator()(float v) const {
    if (name == "Sigmoid") return el::sigmoid(v);
    if (name == "Tanh") return el::tanh(v);
    if (name == "Relu") return v < 0.0F ? 0.0F : v;
    if (name == "HardSigmoid") return std::min(1.0F, std::max(0.0F, alpha * v + beta));
    if (name == "LeakyRelu") return v < 0.0F ? alpha * v : v;
    if (name == "ThresholdedRelu") return v > alpha ? v : 0.0F;
    if (name == "Affine") return alpha * v + beta;
    if (name == "ScaledTanh") return alpha * el::tanh(beta * v);
    if (name == "Elu") return v < 0.0F ? alpha * el::expm1(v) : v;
    if (name == "Softsign") return v / (1.0F + std::fabs(v));
    return el::softplus(v);  // "Softplus": the names are checked when parsed
  }
};

/// The activations of every direction, each with its alpha and beta: the attribute lists are
/// consumed in order by the functions that take them, ONNX's defaults otherwise.
Result<std::vector<Activation>> activations(const Node& node, std::size_t per_direction,
                                            std::size_t directions,
                                            const std::vector<std::string>& defaults) {
  std::vector<std::string> names;
  bool found_names_once = false;
  if (const auto found = node.attributes.find("activations"); found != node.attributes.end()) {
    const auto* given = std::get_if<std::vector<std::string>>(&found->second);
    if (given == nullptr) return node_error(node, "activations must be strings");
    names = *given;
    if (names.size() == per_direction && directions == 2) {
      names.insert(names.end(), given->begin(), given->end());
      found_names_once = true;
    }
  } else {
    for (std::size_t d = 0; d < directions; ++d)
      names.insert(names.end(), defaults.begin(), defaults.end());
  }
  if (names.size() != per_direction * directions) {
    return node_error(node, "needs " + std::to_string(per_direction * directions) + " activations");
  }
  const auto list = [&node](const char* name) {
    const auto found = node.attributes.find(name);
    const auto* values =
        found == node.attributes.end() ? nullptr : std::get_if<std::vector<float>>(&found->second);
    return values ? *values : std::vector<float>{};
  };
  std::vector<float> alphas = list("activation_alpha"), betas = list("activation_beta");
  if (names.size() == 2 * per_direction && found_names_once) {
    // One direction's activations given for both: their parameters serve both too.
    const std::vector<float> one_alphas = alphas, one_betas = betas;
    alphas.insert(alphas.end(), one_alphas.begin(), one_alphas.end());
    betas.insert(betas.end(), one_betas.begin(), one_betas.end());
  }
  std::size_t next_alpha = 0, next_beta = 0;
  std::vector<Activation> out;
  for (const std::string& name : names) {
    struct Defaults {
      const char* name;
      bool alpha, beta;
      float default_alpha, default_beta;
    };
    static constexpr Defaults kKnown[] = {
        {"Sigmoid", false, false, 0, 0},      {"Tanh", false, false, 0, 0},
        {"Relu", false, false, 0, 0},         {"HardSigmoid", true, true, 0.2F, 0.5F},
        {"LeakyRelu", true, false, 0.01F, 0}, {"ThresholdedRelu", true, false, 1.0F, 0},
        {"Affine", true, true, 1.0F, 0.0F},   {"ScaledTanh", true, true, 1.0F, 1.0F},
        {"Elu", true, false, 1.0F, 0},        {"Softsign", false, false, 0, 0},
        {"Softplus", false, false, 0, 0},
    };
    const Defaults* known = nullptr;
    for (const Defaults& candidate : kKnown) {
      if (name == candidate.name) known = &candidate;
    }
    if (known == nullptr) return node_error(node, "unknown activation " + name);
    Activation activation{name, known->default_alpha, known->default_beta};
    if (known->alpha && next_alpha < alphas.size()) activation.alpha = alphas[next_alpha++];
    if (known->beta && next_beta < betas.size()) activation.beta = betas[next_beta++];
    out.push_back(std::move(activation));
  }
  return out;
}

Result<std::vector<Tensor>> recurrent(const Node& node, std::span<const Tensor* const> inputs,
                                      std::int64_t opset, Kind kind) {
  const std::size_t most = kind == Kind::lstm ? 8 : 6;
  if (auto counted = expect_inputs(node, inputs, 3, most); !counted) return counted.error();
  const auto input = [&inputs](std::size_t i) { return i < inputs.size() ? inputs[i] : nullptr; };
  const Tensor& x = *inputs[0];
  const Tensor& w = *inputs[1];
  const Tensor& r = *inputs[2];
  for (const Tensor* t : {&x, &w, &r, input(3), input(5), input(6), input(7)}) {
    if (t != nullptr && t->type != ElementType::float32) return type_unsupported(node, t->type);
  }
  const std::size_t gates = kind == Kind::lstm ? 4 : kind == Kind::gru ? 3 : 1;
  const std::int64_t layout = opset >= 14 ? int_attribute(node, "layout", 0) : 0;
  if (x.shape.size() != 3 || w.shape.size() != 3 || r.shape.size() != 3) {
    return node_error(node, "X, W and R must be 3-D");
  }
  if (layout != 0 && layout != 1) return node_error(node, "layout must be 0 or 1");
  const std::uint64_t steps = layout == 0 ? x.shape[0] : x.shape[1];
  const std::uint64_t batch = layout == 0 ? x.shape[1] : x.shape[0];
  const std::uint64_t width = x.shape[2];
  const std::uint64_t directions = w.shape[0];
  const std::string direction = string_attribute(node, "direction", "forward");
  if (direction != "forward" && direction != "reverse" && direction != "bidirectional") {
    return node_error(node, "direction " + direction);
  }
  if (directions != (direction == "bidirectional" ? 2U : 1U)) {
    return node_error(node, "W's first dimension must be the number of directions");
  }
  if (w.shape[1] % gates != 0) return node_error(node, "W's rows are not whole gates");
  const std::uint64_t hidden = w.shape[1] / gates;
  if (int_attribute(node, "hidden_size", static_cast<std::int64_t>(hidden)) !=
          static_cast<std::int64_t>(hidden) ||
      w.shape[2] != width ||
      r.shape != std::vector<std::uint64_t>{directions, gates * hidden, hidden}) {
    return node_error(node, "W, R and hidden_size do not agree");
  }
  const Tensor* bias = input(3);
  if (bias && bias->shape != std::vector<std::uint64_t>{directions, 2 * gates * hidden}) {
    return node_error(node, "B must be [directions, " + std::to_string(2 * gates) + " · hidden]");
  }
  std::vector<std::uint64_t> lengths(batch, steps);
  if (const Tensor* given = input(4)) {
    const auto values = integers(*given);
    if (!values || values->size() != batch) return node_error(node, "sequence_lens: one per batch");
    for (std::uint64_t b = 0; b < batch; ++b) {
      if ((*values)[b] < 0 || static_cast<std::uint64_t>((*values)[b]) > steps) {
        return node_error(node, "sequence_lens past the sequence");
      }
      lengths[b] = static_cast<std::uint64_t>((*values)[b]);
    }
  }
  const std::vector<std::uint64_t> state_shape =
      layout == 0 ? std::vector<std::uint64_t>{directions, batch, hidden}
                  : std::vector<std::uint64_t>{batch, directions, hidden};
  for (const Tensor* state : {input(5), kind == Kind::lstm ? input(6) : nullptr}) {
    if (state && state->shape != state_shape) {
      return node_error(node, "initial states must be " + shape_text(state_shape));
    }
  }
  const Tensor* peepholes = kind == Kind::lstm ? input(7) : nullptr;
  if (peepholes && peepholes->shape != std::vector<std::uint64_t>{directions, 3 * hidden}) {
    return node_error(node, "P must be [directions, 3 · hidden]");
  }
  const std::vector<std::uint64_t> y_shape =
      layout == 0 ? std::vector<std::uint64_t>{steps, directions, batch, hidden}
                  : std::vector<std::uint64_t>{batch, steps, directions, hidden};
  if (auto fits = check_output(node, y_shape, x.type); !fits) return fits.error();
  const std::size_t per_direction = kind == Kind::lstm ? 3 : kind == Kind::gru ? 2 : 1;
  const auto functions =
      activations(node, per_direction, directions,
                  kind == Kind::lstm  ? std::vector<std::string>{"Sigmoid", "Tanh", "Tanh"}
                  : kind == Kind::gru ? std::vector<std::string>{"Sigmoid", "Tanh"}
                                      : std::vector<std::string>{"Tanh"});
  if (!functions) return functions.error();
  const auto clip_found = node.attributes.find("clip");
  const bool clipped = clip_found != node.attributes.end();
  const float clip = float_attribute(node, "clip", 0.0F);
  const bool input_forget = int_attribute(node, "input_forget", 0) != 0;
  const bool linear_before_reset = int_attribute(node, "linear_before_reset", 0) != 0;

  const std::vector<float> xs = values<float>(x), ws = values<float>(w), rs = values<float>(r);
  const std::vector<float> bs =
      bias ? values<float>(*bias) : std::vector<float>(directions * 2 * gates * hidden);
  const std::vector<float> h0 =
      input(5) ? values<float>(*input(5)) : std::vector<float>(count_of(state_shape));
  const std::vector<float> c0 = kind == Kind::lstm && input(6)
                                    ? values<float>(*input(6))
                                    : std::vector<float>(count_of(state_shape));
  const std::vector<float> ps =
      peepholes ? values<float>(*peepholes) : std::vector<float>(directions * 3 * hidden);
  std::vector<float> y(count_of(y_shape)), y_h(count_of(state_shape)), y_c(count_of(state_shape));
  const auto state_at = [&](std::uint64_t d, std::uint64_t b) {
    return (layout == 0 ? d * batch + b : b * directions + d) * hidden;
  };
  const auto activate = [&](const Activation& f, float v) {
    if (clipped) v = std::min(clip, std::max(-clip, v));
    return canonical(f(v));
  };
  std::vector<float> h(hidden), c(hidden), next_h(hidden), next_c(hidden);
  std::vector<float> z(hidden), reset(hidden), reset_h(hidden);  // GRU's gates
  for (std::uint64_t d = 0; d < directions; ++d) {
    const bool reverse = direction == "reverse" || d == 1;
    const Activation* f = functions->data() + d * per_direction;
    const float* wd = ws.data() + d * gates * hidden * width;
    const float* rd = rs.data() + d * gates * hidden * hidden;
    const float* wb = bs.data() + d * 2 * gates * hidden;
    const float* rb = wb + gates * hidden;
    const float* pd = ps.data() + d * 3 * hidden;
    // Gate g's pre-activation for unit j: ((x·W + h·R) + Wb) + Rb.
    const auto pre = [&](std::size_t g, std::uint64_t j, const float* xt, const float* ht) {
      const std::uint64_t row = g * hidden + j;
      return ((canonical_dot_of(xt, 1, wd + row * width, 1, width) +
               canonical_dot_of(ht, 1, rd + row * hidden, 1, hidden)) +
              wb[row]) +
             rb[row];
    };
    for (std::uint64_t b = 0; b < batch; ++b) {
      std::copy_n(h0.begin() + static_cast<std::ptrdiff_t>(state_at(d, b)), hidden, h.begin());
      std::copy_n(c0.begin() + static_cast<std::ptrdiff_t>(state_at(d, b)), hidden, c.begin());
      for (std::uint64_t s = 0; s < lengths[b]; ++s) {
        const std::uint64_t t = reverse ? lengths[b] - 1 - s : s;
        const float* xt = xs.data() + (layout == 0 ? t * batch + b : b * steps + t) * width;
        for (std::uint64_t j = 0; j < hidden; ++j) {
          if (kind == Kind::rnn) {
            next_h[j] = activate(f[0], pre(0, j, xt, h.data()));
          } else if (kind == Kind::lstm) {  // gates i, o, f, c
            const float i_gate = activate(f[0], pre(0, j, xt, h.data()) + pd[j] * c[j]);
            const float f_gate =
                input_forget ? canonical(1.0F - i_gate)
                             : activate(f[0], pre(2, j, xt, h.data()) + pd[2 * hidden + j] * c[j]);
            const float candidate = activate(f[1], pre(3, j, xt, h.data()));
            next_c[j] = canonical(f_gate * c[j] + i_gate * candidate);
            const float o_gate =
                activate(f[0], pre(1, j, xt, h.data()) + pd[hidden + j] * next_c[j]);
            next_h[j] = canonical(o_gate * activate(f[2], next_c[j]));
          }
        }
        if (kind == Kind::gru) {  // gates z, r, h
          for (std::uint64_t j = 0; j < hidden; ++j) {
            z[j] = activate(f[0], pre(0, j, xt, h.data()));
            reset[j] = activate(f[0], pre(1, j, xt, h.data()));
            reset_h[j] = reset[j] * h[j];
          }
          for (std::uint64_t j = 0; j < hidden; ++j) {
            const std::uint64_t row = 2 * hidden + j;
            float candidate = 0;
            if (linear_before_reset) {
              const float recurrent_part =
                  canonical_dot_of(h.data(), 1, rd + row * hidden, 1, hidden) + rb[row];
              candidate = (canonical_dot_of(xt, 1, wd + row * width, 1, width) +
                           reset[j] * recurrent_part) +
                          wb[row];
            } else {
              candidate = pre(2, j, xt, reset_h.data());
            }
            const float proposal = activate(f[1], candidate);
            next_h[j] = canonical((1.0F - z[j]) * proposal + z[j] * h[j]);
          }
        }
        h.swap(next_h);
        if (kind == Kind::lstm) c.swap(next_c);
        float* out = y.data() + (layout == 0 ? (t * directions + d) * batch + b
                                             : (b * steps + t) * directions + d) *
                                    hidden;
        std::copy(h.begin(), h.end(), out);
      }
      std::copy(h.begin(), h.end(), y_h.begin() + static_cast<std::ptrdiff_t>(state_at(d, b)));
      std::copy(c.begin(), c.end(), y_c.begin() + static_cast<std::ptrdiff_t>(state_at(d, b)));
    }
  }
  std::vector<Tensor> out{make_tensor(x.type, y_shape, y), make_tensor(x.type, state_shape, y_h)};
  if (kind == Kind::lstm) out.push_back(make_tensor(x.type, state_shape, y_c));
  return out;
}

}  // namespace

FAULTLINE_ONNX_KERNEL(rnn) {
  return recurrent(node, inputs, opset, Kind::rnn);
}
FAULTLINE_ONNX_KERNEL(gru) {
  return recurrent(node, inputs, opset, Kind::gru);
}
FAULTLINE_ONNX_KERNEL(lstm) {
  return recurrent(node, inputs, opset, Kind::lstm);
}

}  // namespace faultline::onnx::detail
