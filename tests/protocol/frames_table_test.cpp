// The frames table itself (tests/frames/golden_frames.h): every row is a whole reply of its model,
// cites protocol.md 14's sources, and is a seed of the decode fuzzer.
#include <dirent.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "protocol/command.h"
#include "tests/frames/golden_frames.h"

namespace intergas {
namespace {

using golden::RealFrame;

class FramesTable : public ::testing::TestWithParam<RealFrame> {};

TEST_P(FramesTable, RowIsAWholeReplyWithItsProvenance) {
  const RealFrame& f = GetParam();
  EXPECT_EQ(f.bytes().size(), reply_size(f.command, f.model)) << f.hex;
  EXPECT_EQ(f.data().size(), kFrameSize);
  EXPECT_EQ(f.section.rfind("protocol.md ", 0), 0u) << f.section;
  EXPECT_FALSE(f.source.empty());
  EXPECT_FALSE(f.firmware.empty());
  EXPECT_EQ(&golden::real_frame(f.hex), golden::find_frame(f.command, f.data()));
  std::set<std::pair<std::string_view, std::string_view>> listed;
  for (const golden::Expected& e : f.expected) {
    EXPECT_TRUE(listed.emplace(e.type, e.instance).second)
        << e.type << "/" << e.instance << " listed twice";
  }
}

INSTANTIATE_TEST_SUITE_P(Section14, FramesTable, ::testing::ValuesIn(golden::real_frames()),
                         [](const auto& p) { return std::string(p.param.name); });

Bytes read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// tests/fuzz/corpus/decode: a selector byte (command index + 8 x model index) and a reply. Every
// frame of the table seeds the fuzzer, so a frame added here is fuzzed from the start.
TEST(FramesTable, EveryFrameSeedsTheDecodeFuzzer) {
  std::vector<Bytes> seeds;
  DIR* dir = opendir(INTERGAS_DECODE_CORPUS);
  ASSERT_NE(dir, nullptr) << INTERGAS_DECODE_CORPUS;
  while (const dirent* entry = readdir(dir)) {
    const std::string name = entry->d_name;
    if (name.size() > 4 && name.compare(name.size() - 4, 4, ".bin") == 0) {
      seeds.push_back(read_file(std::string(INTERGAS_DECODE_CORPUS) + "/" + name));
    }
  }
  closedir(dir);
  for (const RealFrame& f : golden::real_frames()) {
    const Bytes reply = f.bytes();
    bool seeded = false;
    for (const Bytes& s : seeds) {
      seeded = seeded ||
               (s.size() == reply.size() + 1 && s[0] % kCommandCount == command_index(f.command) &&
                std::equal(reply.begin(), reply.end(), s.begin() + 1));
    }
    EXPECT_TRUE(seeded) << f.name << " is not in " << INTERGAS_DECODE_CORPUS;
  }
}

}  // namespace
}  // namespace intergas
