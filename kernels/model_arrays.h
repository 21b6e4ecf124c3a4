// The one declaration of the model's arrays. Every place that lists them -
// the device view (ModelView, model.h), the host-owned model (HostModel,
// host_model.h), HostModel::view(), the upload to a backend's memory
// (DeviceModel, launch.inl) and the size check (HostModel::size_problem) -
// expands these lists, so adding an array is one line here.
//
// CORRIDOR_MODEL_DIMS(X): X(name) for each dimension, an int.
// CORRIDOR_MODEL_ARRAYS(X): X(type, name, length) for each array the kernels
// read, in the order of its expected length's dependencies; `length` is an
// expression over the dimensions and the arrays listed before it (evaluated
// inside HostModel).
#pragma once

#define CORRIDOR_MODEL_DIMS(X)                                                                                         \
  X(S)  /* series (load and derived), in input order */                                                                \
  X(Y)  /* years, base year included */                                                                                \
  X(P)  /* partners */                                                                                                 \
  X(Q)  /* ports */                                                                                                    \
  X(G)  /* capacity groups */                                                                                          \
  X(GD) /* drawn base capacities kept per path: G when some node has a capacity range, else 0 */                       \
  X(E)  /* expansions */                                                                                               \
  X(ED) /* drawn expansion sizes kept per path: E when some expansion has a size range, else 0 */                      \
  X(C)  /* new corridors (series that open with an expansion) */                                                       \
  X(K)  /* captures (corridor takes from a source), in topological order */                                            \
  X(M)  /* markets: (partner, metric) of load series */                                                                \
  X(A)  /* aggregates (totals and targets) */                                                                          \
  X(NS) /* scenarios */

#define CORRIDOR_MODEL_ARRAYS(X)                                                                                       \
  /* series */                                                                                                         \
  X(int, kind, S)                                                                                                      \
  X(int, partner, S)                                                                                                   \
  X(int, port, S)                                                                                                      \
  X(int, mode, S)                                                                                                      \
  X(int, source, S) /* derived: its load series; load: -1 */                                                           \
  X(double, base, S)                                                                                                   \
  X(double, mu, S) /* load: trend mean; derived: mean drift of log intensity */                                        \
  X(double, tau, S)                                                                                                    \
  X(double, sigma, S) /* load: idiosyncratic sd; derived: intensity volatility */                                      \
  X(double, phi, S)                                                                                                    \
  X(double, b_region, S)                                                                                               \
  X(double, b_partner, S)                                                                                              \
  X(double, b_port, S)                                                                                                 \
  X(double, exposure, S)                                                                                               \
  X(double, cost, S)  /* load: money cost per unit (generalized cost) */                                               \
  X(double, time, S)  /* load: hours outside the nodes */                                                              \
  X(int, market, S)   /* load: its market; derived: -1 */                                                              \
  X(int, corridor, S) /* a new corridor's index, else -1 */                                                            \
  /* share groups (CSR by series): the load series whose idiosyncratic draws                                           \
     sum to 0 (ports of one corridor); each member's normal is its deviation                                           \
     from the members' mean (weights 1/n), rescaled to unit variance */                                                \
  X(int, share_begin, S + 1)                                                                                           \
  X(int, share_series, share_begin[S])                                                                                 \
  X(double, share_weight, share_begin[S])                                                                              \
  X(double, share_scale, S) /* 1 / sd of the deviation; 0: in no group */                                              \
  /* routes (CSR by series): the chain of capacity nodes (groups) a load series                                        \
     passes through, in order; empty: unlimited */                                                                     \
  X(int, route_begin, S + 1)                                                                                           \
  X(int, route_node, route_begin[S])                                                                                   \
  /* diversion alternatives (CSR by series): same partner, mode and metric at                                          \
     other ports (alt_*), and the cross-mode ones, road to rail (xalt_*) */                                            \
  X(int, alt_begin, S + 1)                                                                                             \
  X(int, alt_series, alt_begin[S])                                                                                     \
  X(double, alt_weight, alt_begin[S])                                                                                  \
  X(int, xalt_begin, S + 1)                                                                                            \
  X(int, xalt_series, xalt_begin[S])                                                                                   \
  X(double, xalt_weight, xalt_begin[S])                                                                                \
  /* capacity groups and expansions */                                                                                 \
  X(int, group_port, G)                                                                                                \
  X(double, group_capacity, G)                                                                                         \
  X(double, group_cap_low, G)  /* base capacity drawn per path from the triangular (low, capacity, high); */           \
  X(double, group_cap_high, G) /* low == high: no draw, the capacity itself (model.h, base_capacity) */                \
  X(double, group_overload, G)                                                                                         \
  X(double, group_free_time, G) /* BPR: node time = free_time (1 + alpha x^beta) */                                    \
  X(double, group_alpha, G)                                                                                            \
  X(double, group_beta, G)                                                                                             \
  X(double, resp_threshold, G) /* capacity response; 0: none */                                                        \
  X(int, resp_years, G)                                                                                                \
  X(double, resp_size, G)                                                                                              \
  X(double, resp_cap, G)                                                                                               \
  X(int, resp_lag_begin, G + 1) /* CSR: lag distribution per node */                                                   \
  X(int, resp_lag_step, resp_lag_begin[G])                                                                             \
  X(double, resp_lag_cum, resp_lag_begin[G])                                                                           \
  X(int, exp_group, E)                                                                                                 \
  X(double, exp_add, E)                                                                                                \
  X(double, exp_add_low, E)     /* size drawn per path from the triangular (low, exp_add, high); */                    \
  X(double, exp_add_high, E)    /* low == high: no draw, exp_add itself (model.h, expansion_size) */                   \
  X(int, exp_ramp_begin, E + 1) /* CSR: share of maturity in the opening year, the next, ... */                        \
  X(double, exp_ramp, exp_ramp_begin[E])                                                                               \
  X(int, exp_dist_begin, NS* E + 1)               /* CSR over (scenario * E + e) */                                    \
  X(int, exp_dist_step, exp_dist_begin[NS * E])   /* opening year minus base year */                                   \
  X(double, exp_dist_cum, exp_dist_begin[NS * E]) /* cumulative probability */                                         \
  /* new corridors and captures */                                                                                     \
  X(int, cor_series, C)                                                                                                \
  X(int, cor_exp, C) /* the expansion it opens with */                                                                 \
  X(int, cap_cor, K) /* the capturing corridor */                                                                      \
  X(int, cap_from, K)                                                                                                  \
  X(double, cap_share, K)                                                                                              \
  /* markets (CSR by market, load series in order) */                                                                  \
  X(double, mk_scale, M)                                                                                               \
  X(double, mk_elasticity, M)                                                                                          \
  X(double, mk_vot, M)                                                                                                 \
  X(int, mk_begin, M + 1)                                                                                              \
  X(int, mk_series, mk_begin[M])                                                                                       \
  /* ports */                                                                                                          \
  X(double, closure_prob, Q)                                                                                           \
  X(double, closure_lo, Q)                                                                                             \
  X(double, closure_hi, Q)                                                                                             \
  /* scenarios */                                                                                                      \
  X(double, sc_region_prob, NS)                                                                                        \
  X(double, sc_region_mean, NS)                                                                                        \
  X(double, sc_region_sd, NS)                                                                                          \
  X(double, sc_partner_prob, NS)                                                                                       \
  X(double, sc_partner_mean, NS)                                                                                       \
  X(double, sc_partner_sd, NS)                                                                                         \
  X(double, sc_rho, NS)                                                                                                \
  X(double, sc_closure_scale, NS)                                                                                      \
  X(double, sc_friction, NS)                                                                                           \
  X(double, sc_cross_mode, NS)                                                                                         \
  X(double, sc_route_choice, NS)                        /* 1: route choice and elasticity on */                        \
  X(double, sc_responsive, NS)                          /* 1: capacity response on */                                  \
  X(double, adjust, static_cast<long long>(NS) * S * Y) /* [scenario][series][year] */                                 \
  /* aggregate membership (CSR by aggregate, series in order) */                                                       \
  X(int, agg_begin, A + 1)                                                                                             \
  X(int, agg_series, agg_begin[A])
