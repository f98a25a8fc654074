/*
 * Effective rights from security descriptors (libjoin/core/sd_access.c),
 * with the descriptors the test DC (Samba 4.17.12) returned to
 * odj-provisioner: an account it created in OU=Fleet (its own), one
 * Administrator created there and one in CN=Computers (someone else's),
 * the OU itself, and the computer class's defaultSecurityDescriptor.
 */
#include <stdio.h>
#include <string.h>

#include <odj/blob.h>
#include <odj/error.h>

#include "sd_access.h"
#include "unit_ctx.h"

#define DOM "S-1-5-21-1004336348-1177238915-682003330"
#define PROV DOM "-1103"
#define COMPUTER "bf967a86-0de6-11d0-a285-00aa003049e2"
#define RESET_PWD "00299570-246d-11d0-a768-00aa006e0529"
#define DNS_HOST "72e39547-7b18-11d1-adef-00c04fd8d5cd"
#define SPN "f3a64788-5306-11d1-a9c5-0000f80367c1"
#define ACCT_RESTR "4c164200-20c0-11d0-a768-00aa006e0529"
#define UAC "bf967a68-0de6-11d0-a285-00aa003049e2"
#define ENCTYPES "20119867-1d04-4ab7-9371-cfc3d5df0afd"

/* nTSecurityDescriptor (owner and DACL: SD flags 5) as odj-provisioner read them from the test DC (Samba 4.17.12) */
/* CN=MEAS1,OU=Fleet,DC=odj,DC=test */
static const char SD_OWN[] =
	"AQAEhBQAAAAAAAAAAAAAADAAAAABBQAAAAAABRUAAADc9Nw7gz0rRoKLpihPBAAABAA8CS4AAAAAACQA/wEPAAEFAAAAAAAFFQAAANz03DuDPStGgoumKAACAAAAABgA/wEPAAECAAAAAAAFIAAAACQCAAAAABQA/wEPAAEBAAAAAAAFEgAAAAAAJADUAQMAAQUAAAAAAAUVAAAA3PTcO4M9K0aCi6YoTwQAAAUAOAAgAAAAAQAAAABCFkzAINARp2gAqgBuBSkBBQAAAAAABRUAAADc9Nw7gz0rRoKLpihPBAAAAAAUAJQAAgABAQAAAAAABQsAAAAFACgAAAEAAAEAAABTGnKrLx7QEZgZAKoAQFKbAQEAAAAAAAEAAAAAAAAUAAMAAAABAQAAAAAABQoAAAAFACwAAwAAAAEAAACoepa/5g3QEaKFAKoAMEniAQIAAAAAAAUgAAAAJgIAAAUAOAAwAAAAAQAAAH96lr/mDdARooUAqgAwSeIBBQAAAAAABRUAAADc9Nw7gz0rRoKLpigFAgAABQAoAAgAAAABAAAAiEem8wZT0RGpxQAA+ANnwQEBAAAAAAAFCgAAAAUAKAAwAAAAAQAAAIa4tXdKlNERrr0AAPgDZ8EBAQAAAAAABQoAAAAFACgACAAAAAEAAABHleNyGHvREa3vAMBP2NXNAQEAAAAAAAUKAAAABQA4AAgAAAABAAAAR5Xjchh70RGt7wDAT9jVzQEFAAAAAAAFFQAAANz03DuDPStGgoumKE8EAAAFADgACAAAAAEAAACIR6bzBlPREanFAAD4A2fBAQUAAAAAAAUVAAAA3PTcO4M9K0aCi6YoTwQAAAUASAAgAAAAAwAAANC/Cj5qEtARoGAAqgBsM+2Gepa/5g3QEaKFAKoAMEniAQUAAAAAAAUVAAAA3PTcO4M9K0aCi6YoTwQAAAUASAAgAAAAAwAAABAgIF+ledARkCAAwE/C1M+Gepa/5g3QEaKF"
	"AKoAMEniAQUAAAAAAAUVAAAA3PTcO4M9K0aCi6YoTwQAAAUASAAgAAAAAwAAAFB5lr/mDdARooUAqgAwSeKGepa/5g3QEaKFAKoAMEniAQUAAAAAAAUVAAAA3PTcO4M9K0aCi6YoTwQAAAUASAAgAAAAAwAAAFN5lr/mDdARooUAqgAwSeKGepa/5g3QEaKFAKoAMEniAQUAAAAAAAUVAAAA3PTcO4M9K0aCi6YoTwQAAAUALAAQAAAAAQAAAB2xqUauYFpAt+j/iljUVtIBAgAAAAAABSAAAAAwAgAABRJIACAAAAADAAAAZ5gRIAQdt0qTcc/D1d8K/YZ6lr/mDdARooUAqgAwSeIBBQAAAAAABRUAAADc9Nw7gz0rRoKLpihPBAAABRJIADAAAAADAAAAAEIWTMAg0BGnaACqAG4FKYZ6lr/mDdARooUAqgAwSeIBBQAAAAAABRUAAADc9Nw7gz0rRoKLpihPBAAABRJIAAgAAAADAAAAiEem8wZT0RGpxQAA+ANnwYZ6lr/mDdARooUAqgAwSeIBBQAAAAAABRUAAADc9Nw7gz0rRoKLpihPBAAABRJIAAgAAAADAAAAR5Xjchh70RGt7wDAT9jVzYZ6lr/mDdARooUAqgAwSeIBBQAAAAAABRUAAADc9Nw7gz0rRoKLpihPBAAABRJIAAABAAADAAAAcJUpAG0k0BGnaACqAG4FKYZ6lr/mDdARooUAqgAwSeIBBQAAAAAABRUAAADc9Nw7gz0rRoKLpihPBAAABRI4AAMAAAABAAAAhnqWv+YN0BGihQCqADBJ4gEFAAAAAAAFFQAAANz03DuDPStGgoumKE8EAAAFGjwAEAAAAAMAAAAAQhZMwCDQEadoAKoAbgUpFMwoSDcUvEWbB61vAV5fKAECAAAAAAAFIAAAACoCAAAFGjwAEAAAAAMAAAAAQhZMwCDQEadoAKoAbgUpunqWv+YN0BGihQCqADBJ4gECAAAAAAAF"
	"IAAAACoCAAAFGjwAEAAAAAMAAAAQICBfpXnQEZAgAMBPwtTPFMwoSDcUvEWbB61vAV5fKAECAAAAAAAFIAAAACoCAAAFGjwAEAAAAAMAAAAQICBfpXnQEZAgAMBPwtTPunqWv+YN0BGihQCqADBJ4gECAAAAAAAFIAAAACoCAAAFGjwAEAAAAAMAAABAwgq8qXnQEZAgAMBPwtTPFMwoSDcUvEWbB61vAV5fKAECAAAAAAAFIAAAACoCAAAFGjwAEAAAAAMAAABAwgq8qXnQEZAgAMBPwtTPunqWv+YN0BGihQCqADBJ4gECAAAAAAAFIAAAACoCAAAFGjwAEAAAAAMAAABCL7pZonnQEZAgAMBPwtPPFMwoSDcUvEWbB61vAV5fKAECAAAAAAAFIAAAACoCAAAFGjwAEAAAAAMAAABCL7pZonnQEZAgAMBPwtPPunqWv+YN0BGihQCqADBJ4gECAAAAAAAFIAAAACoCAAAFGjwAEAAAAAMAAAD4iHAD4QrSEbQiAKDJaPk5FMwoSDcUvEWbB61vAV5fKAECAAAAAAAFIAAAACoCAAAFGjwAEAAAAAMAAAD4iHAD4QrSEbQiAKDJaPk5unqWv+YN0BGihQCqADBJ4gECAAAAAAAFIAAAACoCAAAFEjgAEAAAAAMAAABtnsa3xyzSEYVOAKDJg/YIhnqWv+YN0BGihQCqADBJ4gEBAAAAAAAFCQAAAAUaOAAQAAAAAwAAAG2exrfHLNIRhU4AoMmD9gicepa/5g3QEaKFAKoAMEniAQEAAAAAAAUJAAAABRo4ABAAAAADAAAAbZ7Gt8cs0hGFTgCgyYP2CLp6lr/mDdARooUAqgAwSeIBAQAAAAAABQkAAAAFGiwAlAACAAIAAAAUzChINxS8RZsHrW8BXl8oAQIAAAAAAAUgAAAAKgIAAAUaLACUAAIAAgAAAJx6lr/mDdARooUAqgAwSeIBAgAAAAAABSAAAAAqAgAABRosAJQA"
	"AgACAAAAunqWv+YN0BGihQCqADBJ4gECAAAAAAAFIAAAACoCAAAFEigAMAEAAAEAAADeR+aRb9lwS5VX1j/088zYAQEAAAAAAAUKAAAAABIkAP8BDwABBQAAAAAABRUAAADc9Nw7gz0rRoKLpigHAgAAABIYAAQAAAABAgAAAAAABSAAAAAqAgAAABIYAL0BDwABAgAAAAAABSAAAAAgAgAA";
/* CN=MEAS2,OU=Fleet,DC=odj,DC=test */
static const char SD_ADMIN_FLEET[] =
	"AQAFhBQAAAAAAAAAAAAAADAAAAABBQAAAAAABRUAAADc9Nw7gz0rRoKLpigAAgAABAA8CS4AAAAAACQA/wEPAAEFAAAAAAAFFQAAANz03DuDPStGgoumKAACAAAAABgA/wEPAAECAAAAAAAFIAAAACQCAAAAABQA/wEPAAEBAAAAAAAFEgAAAAAAJADUAQMAAQUAAAAAAAUVAAAA3PTcO4M9K0aCi6YoAAIAAAUAOAAgAAAAAQAAAABCFkzAINARp2gAqgBuBSkBBQAAAAAABRUAAADc9Nw7gz0rRoKLpigAAgAAAAAUAJQAAgABAQAAAAAABQsAAAAFACgAAAEAAAEAAABTGnKrLx7QEZgZAKoAQFKbAQEAAAAAAAEAAAAAAAAUAAMAAAABAQAAAAAABQoAAAAFACwAAwAAAAEAAACoepa/5g3QEaKFAKoAMEniAQIAAAAAAAUgAAAAJgIAAAUAOAAwAAAAAQAAAH96lr/mDdARooUAqgAwSeIBBQAAAAAABRUAAADc9Nw7gz0rRoKLpigFAgAABQAoAAgAAAABAAAAiEem8wZT0RGpxQAA+ANnwQEBAAAAAAAFCgAAAAUAKAAwAAAAAQAAAIa4tXdKlNERrr0AAPgDZ8EBAQAAAAAABQoAAAAFACgACAAAAAEAAABHleNyGHvREa3vAMBP2NXNAQEAAAAAAAUKAAAABQA4AAgAAAABAAAAR5Xjchh70RGt7wDAT9jVzQEFAAAAAAAFFQAAANz03DuDPStGgoumKAACAAAFADgACAAAAAEAAACIR6bzBlPREanFAAD4A2fBAQUAAAAAAAUVAAAA3PTcO4M9K0aCi6YoAAIAAAUASAAgAAAAAwAAANC/Cj5qEtARoGAAqgBsM+2Gepa/5g3QEaKFAKoAMEniAQUAAAAAAAUVAAAA3PTcO4M9K0aCi6YoAAIAAAUASAAgAAAAAwAAABAgIF+ledARkCAAwE/C1M+Gepa/5g3QEaKF"
	"AKoAMEniAQUAAAAAAAUVAAAA3PTcO4M9K0aCi6YoAAIAAAUASAAgAAAAAwAAAFB5lr/mDdARooUAqgAwSeKGepa/5g3QEaKFAKoAMEniAQUAAAAAAAUVAAAA3PTcO4M9K0aCi6YoAAIAAAUASAAgAAAAAwAAAFN5lr/mDdARooUAqgAwSeKGepa/5g3QEaKFAKoAMEniAQUAAAAAAAUVAAAA3PTcO4M9K0aCi6YoAAIAAAUALAAQAAAAAQAAAB2xqUauYFpAt+j/iljUVtIBAgAAAAAABSAAAAAwAgAABRJIACAAAAADAAAAZ5gRIAQdt0qTcc/D1d8K/YZ6lr/mDdARooUAqgAwSeIBBQAAAAAABRUAAADc9Nw7gz0rRoKLpihPBAAABRJIADAAAAADAAAAAEIWTMAg0BGnaACqAG4FKYZ6lr/mDdARooUAqgAwSeIBBQAAAAAABRUAAADc9Nw7gz0rRoKLpihPBAAABRJIAAgAAAADAAAAiEem8wZT0RGpxQAA+ANnwYZ6lr/mDdARooUAqgAwSeIBBQAAAAAABRUAAADc9Nw7gz0rRoKLpihPBAAABRJIAAgAAAADAAAAR5Xjchh70RGt7wDAT9jVzYZ6lr/mDdARooUAqgAwSeIBBQAAAAAABRUAAADc9Nw7gz0rRoKLpihPBAAABRJIAAABAAADAAAAcJUpAG0k0BGnaACqAG4FKYZ6lr/mDdARooUAqgAwSeIBBQAAAAAABRUAAADc9Nw7gz0rRoKLpihPBAAABRI4AAMAAAABAAAAhnqWv+YN0BGihQCqADBJ4gEFAAAAAAAFFQAAANz03DuDPStGgoumKE8EAAAFGjwAEAAAAAMAAAAAQhZMwCDQEadoAKoAbgUpFMwoSDcUvEWbB61vAV5fKAECAAAAAAAFIAAAACoCAAAFGjwAEAAAAAMAAAAAQhZMwCDQEadoAKoAbgUpunqWv+YN0BGihQCqADBJ4gECAAAAAAAF"
	"IAAAACoCAAAFGjwAEAAAAAMAAAAQICBfpXnQEZAgAMBPwtTPFMwoSDcUvEWbB61vAV5fKAECAAAAAAAFIAAAACoCAAAFGjwAEAAAAAMAAAAQICBfpXnQEZAgAMBPwtTPunqWv+YN0BGihQCqADBJ4gECAAAAAAAFIAAAACoCAAAFGjwAEAAAAAMAAABAwgq8qXnQEZAgAMBPwtTPFMwoSDcUvEWbB61vAV5fKAECAAAAAAAFIAAAACoCAAAFGjwAEAAAAAMAAABAwgq8qXnQEZAgAMBPwtTPunqWv+YN0BGihQCqADBJ4gECAAAAAAAFIAAAACoCAAAFGjwAEAAAAAMAAABCL7pZonnQEZAgAMBPwtPPFMwoSDcUvEWbB61vAV5fKAECAAAAAAAFIAAAACoCAAAFGjwAEAAAAAMAAABCL7pZonnQEZAgAMBPwtPPunqWv+YN0BGihQCqADBJ4gECAAAAAAAFIAAAACoCAAAFGjwAEAAAAAMAAAD4iHAD4QrSEbQiAKDJaPk5FMwoSDcUvEWbB61vAV5fKAECAAAAAAAFIAAAACoCAAAFGjwAEAAAAAMAAAD4iHAD4QrSEbQiAKDJaPk5unqWv+YN0BGihQCqADBJ4gECAAAAAAAFIAAAACoCAAAFEjgAEAAAAAMAAABtnsa3xyzSEYVOAKDJg/YIhnqWv+YN0BGihQCqADBJ4gEBAAAAAAAFCQAAAAUaOAAQAAAAAwAAAG2exrfHLNIRhU4AoMmD9gicepa/5g3QEaKFAKoAMEniAQEAAAAAAAUJAAAABRo4ABAAAAADAAAAbZ7Gt8cs0hGFTgCgyYP2CLp6lr/mDdARooUAqgAwSeIBAQAAAAAABQkAAAAFGiwAlAACAAIAAAAUzChINxS8RZsHrW8BXl8oAQIAAAAAAAUgAAAAKgIAAAUaLACUAAIAAgAAAJx6lr/mDdARooUAqgAwSeIBAgAAAAAABSAAAAAqAgAABRosAJQA"
	"AgACAAAAunqWv+YN0BGihQCqADBJ4gECAAAAAAAFIAAAACoCAAAFEigAMAEAAAEAAADeR+aRb9lwS5VX1j/088zYAQEAAAAAAAUKAAAAABIkAP8BDwABBQAAAAAABRUAAADc9Nw7gz0rRoKLpigHAgAAABIYAAQAAAABAgAAAAAABSAAAAAqAgAAABIYAL0BDwABAgAAAAAABSAAAAAgAgAA";
/* CN=MEAS3,CN=Computers,DC=odj,DC=test */
static const char SD_ADMIN_COMPUTERS[] =
	"AQAFhBQAAAAAAAAAAAAAADAAAAABBQAAAAAABRUAAADc9Nw7gz0rRoKLpigAAgAABACcBygAAAAAACQA/wEPAAEFAAAAAAAFFQAAANz03DuDPStGgoumKAACAAAAABgA/wEPAAECAAAAAAAFIAAAACQCAAAAABQA/wEPAAEBAAAAAAAFEgAAAAAAJADUAQMAAQUAAAAAAAUVAAAA3PTcO4M9K0aCi6YoAAIAAAUAOAAgAAAAAQAAAABCFkzAINARp2gAqgBuBSkBBQAAAAAABRUAAADc9Nw7gz0rRoKLpigAAgAAAAAUAJQAAgABAQAAAAAABQsAAAAFACgAAAEAAAEAAABTGnKrLx7QEZgZAKoAQFKbAQEAAAAAAAEAAAAAAAAUAAMAAAABAQAAAAAABQoAAAAFACwAAwAAAAEAAACoepa/5g3QEaKFAKoAMEniAQIAAAAAAAUgAAAAJgIAAAUAOAAwAAAAAQAAAH96lr/mDdARooUAqgAwSeIBBQAAAAAABRUAAADc9Nw7gz0rRoKLpigFAgAABQAoAAgAAAABAAAAiEem8wZT0RGpxQAA+ANnwQEBAAAAAAAFCgAAAAUAKAAwAAAAAQAAAIa4tXdKlNERrr0AAPgDZ8EBAQAAAAAABQoAAAAFACgACAAAAAEAAABHleNyGHvREa3vAMBP2NXNAQEAAAAAAAUKAAAABQA4AAgAAAABAAAAR5Xjchh70RGt7wDAT9jVzQEFAAAAAAAFFQAAANz03DuDPStGgoumKAACAAAFADgACAAAAAEAAACIR6bzBlPREanFAAD4A2fBAQUAAAAAAAUVAAAA3PTcO4M9K0aCi6YoAAIAAAUASAAgAAAAAwAAANC/Cj5qEtARoGAAqgBsM+2Gepa/5g3QEaKFAKoAMEniAQUAAAAAAAUVAAAA3PTcO4M9K0aCi6YoAAIAAAUASAAgAAAAAwAAABAgIF+ledARkCAAwE/C1M+Gepa/5g3QEaKF"
	"AKoAMEniAQUAAAAAAAUVAAAA3PTcO4M9K0aCi6YoAAIAAAUASAAgAAAAAwAAAFB5lr/mDdARooUAqgAwSeKGepa/5g3QEaKFAKoAMEniAQUAAAAAAAUVAAAA3PTcO4M9K0aCi6YoAAIAAAUASAAgAAAAAwAAAFN5lr/mDdARooUAqgAwSeKGepa/5g3QEaKFAKoAMEniAQUAAAAAAAUVAAAA3PTcO4M9K0aCi6YoAAIAAAUALAAQAAAAAQAAAB2xqUauYFpAt+j/iljUVtIBAgAAAAAABSAAAAAwAgAABRo8ABAAAAADAAAAAEIWTMAg0BGnaACqAG4FKRTMKEg3FLxFmwetbwFeXygBAgAAAAAABSAAAAAqAgAABRo8ABAAAAADAAAAAEIWTMAg0BGnaACqAG4FKbp6lr/mDdARooUAqgAwSeIBAgAAAAAABSAAAAAqAgAABRo8ABAAAAADAAAAECAgX6V50BGQIADAT8LUzxTMKEg3FLxFmwetbwFeXygBAgAAAAAABSAAAAAqAgAABRo8ABAAAAADAAAAECAgX6V50BGQIADAT8LUz7p6lr/mDdARooUAqgAwSeIBAgAAAAAABSAAAAAqAgAABRo8ABAAAAADAAAAQMIKvKl50BGQIADAT8LUzxTMKEg3FLxFmwetbwFeXygBAgAAAAAABSAAAAAqAgAABRo8ABAAAAADAAAAQMIKvKl50BGQIADAT8LUz7p6lr/mDdARooUAqgAwSeIBAgAAAAAABSAAAAAqAgAABRo8ABAAAAADAAAAQi+6WaJ50BGQIADAT8LTzxTMKEg3FLxFmwetbwFeXygBAgAAAAAABSAAAAAqAgAABRo8ABAAAAADAAAAQi+6WaJ50BGQIADAT8LTz7p6lr/mDdARooUAqgAwSeIBAgAAAAAABSAAAAAqAgAABRo8ABAAAAADAAAA+IhwA+EK0hG0IgCgyWj5ORTMKEg3FLxFmwetbwFeXygBAgAA"
	"AAAABSAAAAAqAgAABRo8ABAAAAADAAAA+IhwA+EK0hG0IgCgyWj5Obp6lr/mDdARooUAqgAwSeIBAgAAAAAABSAAAAAqAgAABRI4ABAAAAADAAAAbZ7Gt8cs0hGFTgCgyYP2CIZ6lr/mDdARooUAqgAwSeIBAQAAAAAABQkAAAAFGjgAEAAAAAMAAABtnsa3xyzSEYVOAKDJg/YInHqWv+YN0BGihQCqADBJ4gEBAAAAAAAFCQAAAAUaOAAQAAAAAwAAAG2exrfHLNIRhU4AoMmD9gi6epa/5g3QEaKFAKoAMEniAQEAAAAAAAUJAAAABRosAJQAAgACAAAAFMwoSDcUvEWbB61vAV5fKAECAAAAAAAFIAAAACoCAAAFGiwAlAACAAIAAACcepa/5g3QEaKFAKoAMEniAQIAAAAAAAUgAAAAKgIAAAUaLACUAAIAAgAAALp6lr/mDdARooUAqgAwSeIBAgAAAAAABSAAAAAqAgAABRIoADABAAABAAAA3kfmkW/ZcEuVV9Y/9PPM2AEBAAAAAAAFCgAAAAASJAD/AQ8AAQUAAAAAAAUVAAAA3PTcO4M9K0aCi6YoBwIAAAASGAAEAAAAAQIAAAAAAAUgAAAAKgIAAAASGAC9AQ8AAQIAAAAAAAUgAAAAIAIAAA==";
/* OU=Fleet,DC=odj,DC=test */
static const char SD_FLEET_OU[] =
	"AQAEhBQAAAAAAAAAAAAAADAAAAABBQAAAAAABRUAAADc9Nw7gz0rRoKLpigAAgAABADkBiMAAAAFCkgAIAAAAAMAAABnmBEgBB23SpNxz8PV3wr9hnqWv+YN0BGihQCqADBJ4gEFAAAAAAAFFQAAANz03DuDPStGgoumKE8EAAAFCkgAMAAAAAMAAAAAQhZMwCDQEadoAKoAbgUphnqWv+YN0BGihQCqADBJ4gEFAAAAAAAFFQAAANz03DuDPStGgoumKE8EAAAFCkgACAAAAAMAAACIR6bzBlPREanFAAD4A2fBhnqWv+YN0BGihQCqADBJ4gEFAAAAAAAFFQAAANz03DuDPStGgoumKE8EAAAFCkgACAAAAAMAAABHleNyGHvREa3vAMBP2NXNhnqWv+YN0BGihQCqADBJ4gEFAAAAAAAFFQAAANz03DuDPStGgoumKE8EAAAFCkgAAAEAAAMAAABwlSkAbSTQEadoAKoAbgUphnqWv+YN0BGihQCqADBJ4gEFAAAAAAAFFQAAANz03DuDPStGgoumKE8EAAAFAjgAAwAAAAEAAACGepa/5g3QEaKFAKoAMEniAQUAAAAAAAUVAAAA3PTcO4M9K0aCi6YoTwQAAAAAFAD/AQ8AAQEAAAAAAAUSAAAAAAAkAP8BDwABBQAAAAAABRUAAADc9Nw7gz0rRoKLpigAAgAABQAsAAMAAAABAAAAhnqWv+YN0BGihQCqADBJ4gECAAAAAAAFIAAAACQCAAAFACwAAwAAAAEAAAC6epa/5g3QEaKFAKoAMEniAQIAAAAAAAUgAAAAJAIAAAUALAADAAAAAQAAAJx6lr/mDdARooUAqgAwSeIBAgAAAAAABSAAAAAkAgAABQAsAAMAAAABAAAAqHqWv+YN0BGihQCqADBJ4gECAAAAAAAFIAAAACYCAAAAABQAlAACAAEBAAAAAAAFCwAAAAAAFACUAAIAAQEAAAAAAAUJAAAABQAsAAMA"
	"AAABAAAAFMwoSDcUvEWbB61vAV5fKAECAAAAAAAFIAAAACQCAAAFGjwAEAAAAAMAAAAAQhZMwCDQEadoAKoAbgUpFMwoSDcUvEWbB61vAV5fKAECAAAAAAAFIAAAACoCAAAFGjwAEAAAAAMAAAAAQhZMwCDQEadoAKoAbgUpunqWv+YN0BGihQCqADBJ4gECAAAAAAAFIAAAACoCAAAFGjwAEAAAAAMAAAAQICBfpXnQEZAgAMBPwtTPFMwoSDcUvEWbB61vAV5fKAECAAAAAAAFIAAAACoCAAAFGjwAEAAAAAMAAAAQICBfpXnQEZAgAMBPwtTPunqWv+YN0BGihQCqADBJ4gECAAAAAAAFIAAAACoCAAAFGjwAEAAAAAMAAABAwgq8qXnQEZAgAMBPwtTPFMwoSDcUvEWbB61vAV5fKAECAAAAAAAFIAAAACoCAAAFGjwAEAAAAAMAAABAwgq8qXnQEZAgAMBPwtTPunqWv+YN0BGihQCqADBJ4gECAAAAAAAFIAAAACoCAAAFGjwAEAAAAAMAAABCL7pZonnQEZAgAMBPwtPPFMwoSDcUvEWbB61vAV5fKAECAAAAAAAFIAAAACoCAAAFGjwAEAAAAAMAAABCL7pZonnQEZAgAMBPwtPPunqWv+YN0BGihQCqADBJ4gECAAAAAAAFIAAAACoCAAAFGjwAEAAAAAMAAAD4iHAD4QrSEbQiAKDJaPk5FMwoSDcUvEWbB61vAV5fKAECAAAAAAAFIAAAACoCAAAFGjwAEAAAAAMAAAD4iHAD4QrSEbQiAKDJaPk5unqWv+YN0BGihQCqADBJ4gECAAAAAAAFIAAAACoCAAAFGjgAEAAAAAMAAABtnsa3xyzSEYVOAKDJg/YIhnqWv+YN0BGihQCqADBJ4gEBAAAAAAAFCQAAAAUaOAAQAAAAAwAAAG2exrfHLNIRhU4AoMmD9gicepa/5g3QEaKFAKoAMEniAQEAAAAAAAUJAAAA"
	"BRo4ABAAAAADAAAAbZ7Gt8cs0hGFTgCgyYP2CLp6lr/mDdARooUAqgAwSeIBAQAAAAAABQkAAAAFGiwAlAACAAIAAAAUzChINxS8RZsHrW8BXl8oAQIAAAAAAAUgAAAAKgIAAAUaLACUAAIAAgAAAJx6lr/mDdARooUAqgAwSeIBAgAAAAAABSAAAAAqAgAABRosAJQAAgACAAAAunqWv+YN0BGihQCqADBJ4gECAAAAAAAFIAAAACoCAAAFEigAMAEAAAEAAADeR+aRb9lwS5VX1j/088zYAQEAAAAAAAUKAAAAABIkAP8BDwABBQAAAAAABRUAAADc9Nw7gz0rRoKLpigHAgAAABIYAAQAAAABAgAAAAAABSAAAAAqAgAAABIYAL0BDwABAgAAAAAABSAAAAAgAgAA";
/* CN=Computers,DC=odj,DC=test */
static const char SD_COMPUTERS[] =
	"AQAFhBQAAAAAAAAAAAAAADAAAAABBQAAAAAABRUAAADc9Nw7gz0rRoKLpigAAgAABAAwBRwAAAAAABQA/wEPAAEBAAAAAAAFEgAAAAAAJAC/AQ4AAQUAAAAAAAUVAAAA3PTcO4M9K0aCi6YoAAIAAAUALAADAAAAAQAAAIZ6lr/mDdARooUAqgAwSeIBAgAAAAAABSAAAAAkAgAABQAsAAMAAAABAAAAunqWv+YN0BGihQCqADBJ4gECAAAAAAAFIAAAACQCAAAFACwAAwAAAAEAAACcepa/5g3QEaKFAKoAMEniAQIAAAAAAAUgAAAAJAIAAAUALAADAAAAAQAAAKh6lr/mDdARooUAqgAwSeIBAgAAAAAABSAAAAAmAgAAAAAUAJQAAgABAQAAAAAABQsAAAAFACwAAwAAAAEAAAAUzChINxS8RZsHrW8BXl8oAQIAAAAAAAUgAAAAJAIAAAUaPAAQAAAAAwAAAABCFkzAINARp2gAqgBuBSkUzChINxS8RZsHrW8BXl8oAQIAAAAAAAUgAAAAKgIAAAUaPAAQAAAAAwAAAABCFkzAINARp2gAqgBuBSm6epa/5g3QEaKFAKoAMEniAQIAAAAAAAUgAAAAKgIAAAUaPAAQAAAAAwAAABAgIF+ledARkCAAwE/C1M8UzChINxS8RZsHrW8BXl8oAQIAAAAAAAUgAAAAKgIAAAUaPAAQAAAAAwAAABAgIF+ledARkCAAwE/C1M+6epa/5g3QEaKFAKoAMEniAQIAAAAAAAUgAAAAKgIAAAUaPAAQAAAAAwAAAEDCCrypedARkCAAwE/C1M8UzChINxS8RZsHrW8BXl8oAQIAAAAAAAUgAAAAKgIAAAUaPAAQAAAAAwAAAEDCCrypedARkCAAwE/C1M+6epa/5g3QEaKFAKoAMEniAQIAAAAAAAUgAAAAKgIAAAUaPAAQAAAAAwAAAEIvulmiedARkCAAwE/C088UzChINxS8RZsH"
	"rW8BXl8oAQIAAAAAAAUgAAAAKgIAAAUaPAAQAAAAAwAAAEIvulmiedARkCAAwE/C08+6epa/5g3QEaKFAKoAMEniAQIAAAAAAAUgAAAAKgIAAAUaPAAQAAAAAwAAAPiIcAPhCtIRtCIAoMlo+TkUzChINxS8RZsHrW8BXl8oAQIAAAAAAAUgAAAAKgIAAAUaPAAQAAAAAwAAAPiIcAPhCtIRtCIAoMlo+Tm6epa/5g3QEaKFAKoAMEniAQIAAAAAAAUgAAAAKgIAAAUaOAAQAAAAAwAAAG2exrfHLNIRhU4AoMmD9giGepa/5g3QEaKFAKoAMEniAQEAAAAAAAUJAAAABRo4ABAAAAADAAAAbZ7Gt8cs0hGFTgCgyYP2CJx6lr/mDdARooUAqgAwSeIBAQAAAAAABQkAAAAFGjgAEAAAAAMAAABtnsa3xyzSEYVOAKDJg/YIunqWv+YN0BGihQCqADBJ4gEBAAAAAAAFCQAAAAUaLACUAAIAAgAAABTMKEg3FLxFmwetbwFeXygBAgAAAAAABSAAAAAqAgAABRosAJQAAgACAAAAnHqWv+YN0BGihQCqADBJ4gECAAAAAAAFIAAAACoCAAAFGiwAlAACAAIAAAC6epa/5g3QEaKFAKoAMEniAQIAAAAAAAUgAAAAKgIAAAUSKAAwAQAAAQAAAN5H5pFv2XBLlVfWP/TzzNgBAQAAAAAABQoAAAAAEiQA/wEPAAEFAAAAAAAFFQAAANz03DuDPStGgoumKAcCAAAAEhgABAAAAAECAAAAAAAFIAAAACoCAAAAEhgAvQEPAAECAAAAAAAFIAAAACACAAA=";

/* the computer class's defaultSecurityDescriptor on the test DC */
static const char DEFAULT_SD[] =
	"D:(A;;RPWPCRCCDCLCLORCWOWDSDDTSW;;;DA)(A;;RPWPCRCCDCLCLORCWOWDSDDTSW;;;AO)"
	"(A;;RPWPCRCCDCLCLORCWOWDSDDTSW;;;SY)(A;;RPCRLCLORCSDDT;;;CO)"
	"(OA;;WP;4c164200-20c0-11d0-a768-00aa006e0529;;CO)(A;;RPLCLORC;;;AU)"
	"(OA;;CR;ab721a53-1e2f-11d0-9819-00aa0040529b;;WD)(A;;CCDC;;;PS)"
	"(OA;;CCDC;bf967aa8-0de6-11d0-a285-00aa003049e2;;PO)"
	"(OA;;RPWP;bf967a7f-0de6-11d0-a285-00aa003049e2;;CA)"
	"(OA;;SW;f3a64788-5306-11d1-a9c5-0000f80367c1;;PS)"
	"(OA;;RPWP;77B5B886-944A-11d1-AEBD-0000F80367C1;;PS)"
	"(OA;;SW;72e39547-7b18-11d1-adef-00c04fd8d5cd;;PS)"
	"(OA;;SW;72e39547-7b18-11d1-adef-00c04fd8d5cd;;CO)"
	"(OA;;SW;f3a64788-5306-11d1-a9c5-0000f80367c1;;CO)"
	"(OA;;WP;3e0abfd0-126a-11d0-a060-00aa006c33ed;bf967a86-0de6-11d0-a285-00aa003049e2;CO)"
	"(OA;;WP;5f202010-79a5-11d0-9020-00c04fc2d4cf;bf967a86-0de6-11d0-a285-00aa003049e2;CO)"
	"(OA;;WP;bf967950-0de6-11d0-a285-00aa003049e2;bf967a86-0de6-11d0-a285-00aa003049e2;CO)"
	"(OA;;WP;bf967953-0de6-11d0-a285-00aa003049e2;bf967a86-0de6-11d0-a285-00aa003049e2;CO)"
	"(OA;;RP;46a9b11d-60ae-405a-b7e8-ff8a58d456d2;;S-1-5-32-560)";

/* tokenGroups of odj-provisioner, odj-helpdesk and Administrator on the test DC */
static const char *const prov_token[] = {PROV, DOM "-513", "S-1-1-0", "S-1-5-11", "S-1-5-2",
					 "S-1-5-32-545", "S-1-5-32-554", NULL};
static const char *const helpdesk_token[] = {DOM "-1104", DOM "-513", "S-1-1-0", "S-1-5-11",
					     "S-1-5-32-545", NULL};
static const char *const admin_token[] = {DOM "-500", DOM "-512", DOM "-513", DOM "-519",
					  "S-1-1-0", "S-1-5-11", "S-1-5-32-544", NULL};

static struct odj_guid G(const char *s)
{
	struct odj_guid g;
	assert_true(odj_guid_parse(s, &g));
	return g;
}

static struct odj_dacl *from_base64(TALLOC_CTX *mem, const char *b64)
{
	struct odj_ctx *ctx = odj_ctx_new(mem);
	struct odj_secret *bytes = NULL;
	assert_int_equal(odj_blob_text_decode(ctx, mem, (const uint8_t *)b64, strlen(b64), &bytes),
			 ODJ_OK);
	struct odj_dacl *d = odj_sd_parse(mem, odj_secret_data(bytes), odj_secret_len(bytes));
	assert_non_null(d);
	return d;
}

/* a right: mask on the GUID (NULL: none), for a computer object */
static bool may(const struct odj_dacl *d, const char *const *token, bool creator, uint32_t mask,
		const char *object, const char *set)
{
	struct odj_guid o, s, cls = G(COMPUTER);
	if (object)
		o = G(object);
	if (set)
		s = G(set);
	struct odj_access_want w = {mask, object ? &o : NULL, set ? &s : NULL, &cls};
	return odj_sd_access(d, token, creator, &w);
}

/* The rights the tests ask, by name; the first five are those of a reset. */
static const struct named_right {
	const char *name;
	uint32_t mask;
	const char *object, *set;
} rights[] = {
	{"reset-password", ODJ_DS_CONTROL_ACCESS, RESET_PWD, NULL},
	{"dns-host-name", ODJ_DS_SELF, DNS_HOST, NULL},
	{"spn", ODJ_DS_SELF, SPN, NULL},
	{"enctypes", ODJ_DS_WRITE_PROP, ENCTYPES, NULL},
	{"uac", ODJ_DS_WRITE_PROP, UAC, ACCT_RESTR},
	{"create-computer", ODJ_DS_CREATE_CHILD, COMPUTER, NULL},
};

static bool may_right(const struct odj_dacl *d, const char *const *token, bool creator,
		      const struct named_right *r)
{
	return may(d, token, creator, r->mask, r->object, r->set);
}

/* The five rights of a reset, as expected: reset, DNS, SPN, enctypes, userAccountControl. */
static void expect_rights(const struct odj_dacl *d, const char *const *token, const bool want[5])
{
	for (size_t i = 0; i < 5; i++) {
		if (may_right(d, token, false, &rights[i]) != want[i])
			fail_msg("%s: expected %s", rights[i].name, want[i] ? "allowed" : "refused");
	}
}

static const bool all[5] = {true, true, true, true, true}, none[5] = {false};

/*
 * An account in OU=Fleet: its own (the creator's ACEs, CREATOR OWNER made the
 * caller, and the OU's) or Administrator's (the OU's delegation, inherited).
 */
static void test_fleet_accounts(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	const char *sds[] = {SD_OWN, SD_ADMIN_FLEET};
	for (size_t i = 0; i < 2; i++) {
		struct odj_dacl *d = from_base64(mem, sds[i]);
		bool own = i == 0;
		assert_int_equal(strcmp(d->owner, PROV) == 0, own);
		expect_rights(d, prov_token, all);
		expect_rights(d, helpdesk_token, none);
		/* the owner's implicit rights */
		assert_int_equal(may(d, prov_token, false, ODJ_SD_WRITE_DAC, NULL, NULL), own);
		assert_false(may(d, helpdesk_token, false, ODJ_SD_WRITE_DAC, NULL, NULL));
		/* a right nobody delegated: Validated-MS-DS-Additional-DNS-Host-Name */
		assert_false(may(d, prov_token, false, ODJ_DS_SELF,
				 "80863791-dbe9-4eb8-837e-7f0ab55d9ac7", NULL));
	}
	talloc_free(mem);
}

/* someone else's account in CN=Computers: no delegation there; Domain Admins have it all */
static void test_others_account_in_computers(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_dacl *d = from_base64(mem, SD_ADMIN_COMPUTERS);
	expect_rights(d, prov_token, none);
	expect_rights(d, admin_token, all);
	talloc_free(mem);
}

/* rights asked of a DACL: the names (of rights[], space-separated) it allows and it refuses */
struct may_case {
	const struct odj_dacl *d;
	const char *const *token;
	bool creator;
	const char *allowed, *refused;
};

/* Asks case i every right of names (NULL: none); each answer must be want. */
static void expect_case(size_t i, const struct may_case *c, const char *names, bool want)
{
	char copy[128], *save = NULL;
	snprintf(copy, sizeof(copy), "%s", names ? names : "");
	for (char *name = strtok_r(copy, " ", &save); name; name = strtok_r(NULL, " ", &save)) {
		size_t k = 0;
		while (k < sizeof(rights) / sizeof(rights[0]) && strcmp(rights[k].name, name) != 0)
			k++;
		if (k == sizeof(rights) / sizeof(rights[0]))
			fail_msg("case %zu: no right %s", i, name);
		if (may_right(c->d, c->token, c->creator, &rights[k]) != want)
			fail_msg("case %zu: %s expected %s", i, name, want ? "allowed" : "refused");
	}
}

/* a new account: the class's default ACEs (CREATOR OWNER is the caller) and the OU's inheritable ones */
static void test_new_account(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_dacl *def = odj_sddl_parse(mem, DEFAULT_SD, DOM);
	assert_non_null(def);
	struct odj_guid cls = G(COMPUTER);
	struct odj_dacl *ou = from_base64(mem, SD_FLEET_OU);
	struct odj_dacl *inh = odj_sd_inheritable(mem, ou, &cls);
	assert_non_null(inh);
	assert_true(inh->n > 0);
	struct odj_dacl *both = odj_sd_concat(mem, def, inh);
	struct odj_dacl *cn = from_base64(mem, SD_COMPUTERS);
	struct odj_dacl *cn_both = odj_sd_concat(mem, def, odj_sd_inheritable(mem, cn, &cls));
	const struct may_case cases[] = {
		/* the creator gets reset password and both validated writes, not the enctypes */
		{def, helpdesk_token, true, "reset-password dns-host-name spn uac", "enctypes"},
		/* without the creator's place nobody but the admins gets them */
		{def, helpdesk_token, false, NULL, "reset-password"},
		{def, admin_token, false, "reset-password", NULL},
		/* OU=Fleet's inheritable ACEs give the provisioner the enctypes too */
		{both, prov_token, true, "enctypes", NULL},
		{both, helpdesk_token, true, NULL, "enctypes"},
		/* on the OU itself the CIIO ACEs are not effective */
		{ou, prov_token, false, "create-computer", "reset-password"},
		/* CN=Computers passes nothing of the kind down to the provisioner */
		{cn_both, prov_token, true, NULL, "enctypes"},
		{cn, prov_token, false, NULL, "create-computer"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		expect_case(i, &cases[i], cases[i].allowed, true);
		expect_case(i, &cases[i], cases[i].refused, false);
	}
	talloc_free(mem);
}

static bool sddl_may(const char *sddl, uint32_t mask, const char *object)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_dacl *d = odj_sddl_parse(mem, sddl, DOM);
	assert_non_null(d);
	bool ok = may(d, prov_token, false, mask, object, NULL);
	talloc_free(mem);
	return ok;
}

/* the order of the DACL: a deny before the allow refuses, after it does not */
static void test_deny_order(void **state)
{
	(void)state;
	assert_false(sddl_may("D:(OD;;CR;" RESET_PWD ";;" PROV ")(A;;GA;;;" PROV ")",
			      ODJ_DS_CONTROL_ACCESS, RESET_PWD));
	assert_true(sddl_may("D:(A;;GA;;;" PROV ")(OD;;CR;" RESET_PWD ";;" PROV ")",
			     ODJ_DS_CONTROL_ACCESS, RESET_PWD));
	/* a deny of another right does not touch this one */
	assert_true(sddl_may("D:(OD;;CR;ab721a53-1e2f-11d0-9819-00aa0040529b;;WD)(A;;CR;;;AU)",
			     ODJ_DS_CONTROL_ACCESS, RESET_PWD));
	/* a plain deny of the mask refuses every object type */
	assert_false(sddl_may("D:(D;;CR;;;DU)(OA;;CR;" RESET_PWD ";;" PROV ")",
			      ODJ_DS_CONTROL_ACCESS, RESET_PWD));
}

/* masks and object types */
static void test_masks_and_types(void **state)
{
	(void)state;
	/* GENERIC_ALL and GENERIC_WRITE as stored */
	assert_true(sddl_may("D:(A;;GA;;;" PROV ")", ODJ_DS_CONTROL_ACCESS, RESET_PWD));
	assert_true(sddl_may("D:(A;;GW;;;" PROV ")", ODJ_DS_SELF, DNS_HOST));
	assert_false(sddl_may("D:(A;;GW;;;" PROV ")", ODJ_DS_CONTROL_ACCESS, RESET_PWD));
	/* WRITE_PROPERTY is no control access right, nor a validated write */
	assert_false(sddl_may("D:(A;;WP;;;" PROV ")", ODJ_DS_CONTROL_ACCESS, RESET_PWD));
	assert_false(sddl_may("D:(A;;WP;;;" PROV ")", ODJ_DS_SELF, DNS_HOST));
	/* an object ACE of another right, or for another class, grants nothing */
	assert_false(sddl_may("D:(OA;;CR;" SPN ";;" PROV ")", ODJ_DS_CONTROL_ACCESS, RESET_PWD));
	assert_false(sddl_may("D:(OA;;CR;" RESET_PWD ";bf967aba-0de6-11d0-a285-00aa003049e2;" PROV ")",
			      ODJ_DS_CONTROL_ACCESS, RESET_PWD));
	assert_true(sddl_may("D:(OA;;CR;" RESET_PWD ";" COMPUTER ";" PROV ")", ODJ_DS_CONTROL_ACCESS,
			     RESET_PWD));
	/* no object type: every control access right */
	assert_true(sddl_may("D:(A;;CR;;;" PROV ")", ODJ_DS_CONTROL_ACCESS, RESET_PWD));
	/* inherit-only ACEs do not apply to the object */
	assert_false(sddl_may("D:(OA;CIIO;CR;" RESET_PWD ";;" PROV ")", ODJ_DS_CONTROL_ACCESS, RESET_PWD));
	/* another SID */
	assert_false(sddl_may("D:(A;;GA;;;" DOM "-1104)", ODJ_DS_CONTROL_ACCESS, RESET_PWD));
	/* OWNER RIGHTS takes the owner's implicit WRITE_DAC away */
	assert_true(sddl_may("O:" PROV "D:(A;;RC;;;WD)", ODJ_SD_WRITE_DAC, NULL) == false);
}

static void test_owner_rights(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_dacl *d = odj_sddl_parse(mem, "D:(A;;RC;;;WD)", DOM);
	d->owner = talloc_strdup(d, PROV);
	assert_true(may(d, prov_token, false, ODJ_SD_WRITE_DAC | ODJ_SD_READ_CONTROL, NULL, NULL));
	d = odj_sddl_parse(mem, "D:(A;;RC;;;OW)", DOM);
	d->owner = talloc_strdup(d, PROV);
	assert_false(may(d, prov_token, false, ODJ_SD_WRITE_DAC, NULL, NULL));
	assert_true(may(d, prov_token, false, ODJ_SD_READ_CONTROL, NULL, NULL));
	talloc_free(mem);
}

/* hostile input: truncated descriptors and broken SDDL are refused, never read past */
static void test_malformed(void **state)
{
	struct unit_ctx *u = *state;
	TALLOC_CTX *mem = u->mem;
	struct odj_ctx *ctx = u->ctx;
	struct odj_secret *bytes = NULL;
	assert_int_equal(odj_blob_text_decode(ctx, mem, (const uint8_t *)SD_OWN, strlen(SD_OWN), &bytes),
			 ODJ_OK);
	const uint8_t *sd = odj_secret_data(bytes);
	size_t len = odj_secret_len(bytes);
	for (size_t cut = 0; cut < len; cut += 7)
		assert_null(odj_sd_parse(mem, sd, cut));
	uint8_t *bad = talloc_memdup(mem, sd, len);
	bad[0] = 2; /* revision */
	assert_null(odj_sd_parse(mem, bad, len));
	assert_null(odj_sddl_parse(mem, "O:DA", DOM));
	assert_null(odj_sddl_parse(mem, "D:(A;;XX;;;DA)", DOM));
	assert_null(odj_sddl_parse(mem, "D:(A;;CR;not-a-guid;;DA)", DOM));
	assert_null(odj_sddl_parse(mem, "D:(A;;CR;;;DA", DOM));
	assert_null(odj_sddl_parse(mem, "D:(A;;CR;;DA)", DOM));
	assert_false(odj_sd_access(NULL, prov_token, false,
				   &(struct odj_access_want){ODJ_DS_CONTROL_ACCESS, NULL, NULL, NULL}));
}

UNIT_MAIN(cmocka_unit_test(test_fleet_accounts), cmocka_unit_test(test_others_account_in_computers),
	  cmocka_unit_test(test_new_account), cmocka_unit_test(test_deny_order),
	  cmocka_unit_test(test_masks_and_types), cmocka_unit_test(test_owner_rights),
	  CTX_TEST(test_malformed))
