#pragma once
// Boost.Serialization of the records workers send to the coordinator. Private to the sweep layer, so the
// train and store layers stay free of Boost.

#include <boost/serialization/map.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/utility.hpp>
#include <boost/serialization/vector.hpp>

#include "advx/store/result_store.h"
#include "advx/train/trial_result.h"

namespace boost::serialization {

template <class Archive>
void serialize(Archive& ar, advx::EpochRecord& e, unsigned /*version*/) {
  ar & e.epoch & e.train_loss & e.train_vae & e.adversary_loss & e.val_loss & e.val_select & e.lr & e.seconds;
}

template <class Archive>
void serialize(Archive& ar, advx::CheckpointResult& c, unsigned /*version*/) {
  ar & c.name & c.epoch & c.metrics;
}

template <class Archive>
void serialize(Archive& ar, advx::TrialResult& r, unsigned /*version*/) {
  ar & r.status & r.message & r.diverged_epoch & r.epochs_run & r.seconds_per_epoch & r.seconds_total & r.adversaries &
      r.curves & r.checkpoints;
}

template <class Archive>
void serialize(Archive& ar, advx::TrialRecord& t, unsigned /*version*/) {
  ar & t.trial_id & t.trial_index & t.replicate & t.seed & t.params & t.rank & t.host & t.wall_seconds & t.result;
}

}  // namespace boost::serialization
