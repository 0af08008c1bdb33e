/* Stands in for libserialport's header in a build without libserialport (INTERGAS_USB AUTO when
 * libserialport-dev is missing, or OFF): listing ports fails with a message that says what to
 * install, so a usb:VID:PID device reports a clear error instead of the build failing. Only the
 * calls src/link/usb_ports.cpp makes; serial paths and TCP bridges need none of this. */
#ifndef INTERGAS_NO_LIBSERIALPORT_H
#define INTERGAS_NO_LIBSERIALPORT_H

#ifdef __cplusplus
extern "C" {
#endif

enum sp_return { SP_OK = 0, SP_ERR_ARG = -1, SP_ERR_FAIL = -2, SP_ERR_MEM = -3, SP_ERR_SUPP = -4 };
enum sp_transport { SP_TRANSPORT_NATIVE, SP_TRANSPORT_USB, SP_TRANSPORT_BLUETOOTH };
struct sp_port;

static inline enum sp_return sp_list_ports(struct sp_port*** list_ptr) {
  *list_ptr = 0;
  return SP_ERR_SUPP;
}
static inline char* sp_last_error_message(void) {
  static char message[] =
      "built without libserialport, so usb:VID:PID devices are not supported (install "
      "libserialport-dev and rebuild, or name the device by its /dev/serial/by-id path)";
  return message;
}
static inline void sp_free_error_message(char* message) { (void)message; }
static inline void sp_free_port_list(struct sp_port** ports) { (void)ports; }
static inline enum sp_transport sp_get_port_transport(const struct sp_port* port) {
  (void)port;
  return SP_TRANSPORT_NATIVE;
}
static inline char* sp_get_port_name(const struct sp_port* port) {
  (void)port;
  return 0;
}
static inline enum sp_return sp_get_port_usb_vid_pid(const struct sp_port* port, int* vid,
                                                     int* pid) {
  (void)port;
  (void)vid;
  (void)pid;
  return SP_ERR_SUPP;
}
static inline char* sp_get_port_usb_manufacturer(const struct sp_port* port) {
  (void)port;
  return 0;
}
static inline char* sp_get_port_usb_product(const struct sp_port* port) {
  (void)port;
  return 0;
}
static inline char* sp_get_port_usb_serial(const struct sp_port* port) {
  (void)port;
  return 0;
}

#ifdef __cplusplus
}
#endif

#endif
