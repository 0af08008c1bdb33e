// A boiler behind a TCP serial bridge (ser2net, ESP-Link, ...): non-blocking connect, keep-alive so
// a silently dead bridge is noticed, loss on EOF/reset. No frames, no waiting.
#pragma once

#include <netdb.h>

#include <cstdint>
#include <memory>
#include <string>

#include "link/fd_link.h"

namespace intergas {

class TcpLink final : public FdLink {
 public:
  // Keep-alive: first probe after 10 s idle, then every 5 s; 3 unanswered probes end the link.
  static constexpr int kKeepIdleSeconds = 10;
  static constexpr int kKeepIntervalSeconds = 5;
  static constexpr int kKeepCount = 3;
  // Unacknowledged sent data fails the link after this long (TCP_USER_TIMEOUT; keep-alive alone
  // does not run while data waits for an acknowledgement, retransmission would take ~15 min).
  static constexpr unsigned kUserTimeoutMs = 25000;

  // `name` is what the user configured ("tcp://bridge:2000"); `host` a name or an IPv4/IPv6
  // literal without brackets; `port` 1..65535.
  TcpLink(std::string name, std::string host, std::uint16_t port);

  // Starts a connect: in_progress, or failed if every address failed at once (a host name's
  // addresses are tried in turn, also when a connect fails later). An IP literal is
  // used as it is; a host name is resolved on a helper thread, because getaddrinfo may block for
  // the resolver's timeout (mDNS names on a flaky Wi-Fi) and the driver's one poll loop serves
  // every boiler. While resolving, fd() is a pipe that hangs up (POLLHUP) when the answer is in.
  OpenResult open() override;
  // in_progress while resolving or until fd() is writable; then open, or failed with the
  // resolver's or the connect's error (SO_ERROR). timed_out = true: failed with ETIMEDOUT.
  // Without a connect under way: open if open, else failed (not_connecting).
  OpenResult finish_open(bool timed_out) override;
  bool is_resolving() const { return resolution_ != nullptr; }
  void close() override;
  // "127.0.0.1:2000" / "[::1]:2000": the address connected to (or being tried).
  std::string resolved_name() const override { return peer_; }

  const std::string& host() const { return host_; }
  std::uint16_t port() const { return port_; }

 protected:
  ssize_t write_once(const std::uint8_t* data, std::size_t size) override;
  std::error_code eof_error() const override { return make_error_code(LinkErrc::closed_by_peer); }

 private:
  struct Resolution;  // shared with the resolver thread, which may outlive the link

  using AddressList = std::unique_ptr<addrinfo, void (*)(addrinfo*)>;

  // Connects to the addresses from `first` on; keeps the rest for finish_open.
  OpenResult connect_from(const addrinfo* first);
  OpenResult resolve_failed(int gai, int sys_errno);

  std::string host_;
  std::uint16_t port_;
  std::string peer_;
  bool connecting_ = false;
  std::shared_ptr<Resolution> resolution_;  // the resolution this open waits for
  // The last resolver thread started, kept past close(): at most one runs per link, so a
  // resolver slower than the back-off does not pile up threads.
  std::shared_ptr<Resolution> last_resolution_;
  AddressList addresses_{nullptr, &::freeaddrinfo};
  const addrinfo* next_address_ = nullptr;  // to try if the connect under way fails
};

}  // namespace intergas
