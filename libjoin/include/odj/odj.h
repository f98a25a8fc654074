/* Umbrella header of the offline library (libodj). */
#ifndef ODJ_ODJ_H
#define ODJ_ODJ_H

#include <odj/error.h>
#include <odj/secret.h>
#include <odj/status.h>
#include <odj/version.h>

#endif
