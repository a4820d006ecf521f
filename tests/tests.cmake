# Every test layer is a ctest test:
#   unit     one C program per module, linking the same core library
#   golden   the real binary on fixtures/, output diffed against expected files
#   e2e      shell scripts driving the binary in a private temporary HOME
#   asan     the whole unit+golden suite rebuilt with ASan+UBSan (nested build)
#   fuzz     a short libFuzzer run of every parser (nested clang build)

file(GLOB AU_UNIT_TESTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/tests/unit/test_*.c)
foreach(src ${AU_UNIT_TESTS})
  get_filename_component(name ${src} NAME_WE)
  add_executable(${name} ${src})
  target_link_libraries(${name} PRIVATE aiucore)
  target_include_directories(${name} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/tests/unit)
  add_test(NAME unit/${name} COMMAND ${name})
  set_tests_properties(unit/${name} PROPERTIES LABELS unit
    ENVIRONMENT "AU_FIXTURES=${CMAKE_CURRENT_SOURCE_DIR}/fixtures")
endforeach()

add_test(NAME golden COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/tests/golden/run.sh
  $<TARGET_FILE:aiusage> ${CMAKE_CURRENT_SOURCE_DIR}/fixtures $<TARGET_FILE:check_truth>)
set_tests_properties(golden PROPERTIES LABELS golden)

# A notification server for the e2e tests: owns org.freedesktop.Notifications
# on a private session bus and records what it is sent.
add_executable(notify_server tests/notify_server.c)
target_link_libraries(notify_server PRIVATE PkgConfig::GIO)

# A scripted HTTP/1.1 server on 127.0.0.1 for the cloud billing e2e test:
# replays provider-shaped responses and records what it was sent.
add_executable(cloud_server tests/cloud_server.c)

# Validates (and picks values out of) the JSON the e2e scripts capture.
add_executable(json_check tests/json_check.c)
target_link_libraries(json_check PRIVATE PkgConfig::JANSSON)
file(GLOB AU_E2E_TESTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/tests/e2e/*.sh)
foreach(script ${AU_E2E_TESTS})
  get_filename_component(name ${script} NAME_WE)
  add_test(NAME e2e/${name} COMMAND bash ${script})
  set_tests_properties(e2e/${name} PROPERTIES LABELS e2e
    ENVIRONMENT "AIUSAGE=$<TARGET_FILE:aiusage>;AU_GEN_HOME=$<TARGET_FILE:gen_home>;AU_SRC=${CMAKE_CURRENT_SOURCE_DIR};AU_BUILD=${CMAKE_CURRENT_BINARY_DIR};AU_NOTIFY_SERVER=$<TARGET_FILE:notify_server>;AU_JSON_CHECK=$<TARGET_FILE:json_check>")
endforeach()

foreach(t e2e/cloud e2e/pricing_update e2e/plan_quota)
  if(TEST ${t})
    set_property(TEST ${t} APPEND PROPERTY ENVIRONMENT "AU_CLOUD_SERVER=$<TARGET_FILE:cloud_server>")
  endif()
endforeach()
if(AU_FUZZ)
  file(GLOB AU_FUZZERS CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/tests/fuzz/fuzz_*.c)
  foreach(src ${AU_FUZZERS})
    get_filename_component(name ${src} NAME_WE)
    add_executable(${name} ${src})
    target_link_libraries(${name} PRIVATE aiucore)
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  endforeach()
endif()

if(AU_NESTED_CHECKS AND NOT AU_SANITIZE AND NOT AU_FUZZ)
  add_test(NAME asan COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/tests/run_asan.sh
    ${CMAKE_CURRENT_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/asan)
  set_tests_properties(asan PROPERTIES LABELS asan)
  add_test(NAME fuzz COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/tests/run_fuzz.sh
    ${CMAKE_CURRENT_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/fuzz)
  set_tests_properties(fuzz PROPERTIES LABELS fuzz)
endif()

# The layer order: tests/layers/check.sh over the #include lines (and its
# self-test on a planted upward include), and the build itself refusing one.
add_test(NAME layers/includes COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/tests/layers/check.sh
  --self-test ${CMAKE_CURRENT_SOURCE_DIR})
add_library(au_layer_probe OBJECT EXCLUDE_FROM_ALL tests/layers/upward.c)
target_link_libraries(au_layer_probe PRIVATE au_parsers)
add_test(NAME layers/build COMMAND ${CMAKE_COMMAND} --build ${CMAKE_CURRENT_BINARY_DIR}
  --target au_layer_probe)
set_tests_properties(layers/build PROPERTIES PASS_REGULAR_EXPRESSION "store.h: No such file")
set_tests_properties(layers/includes layers/build PROPERTIES LABELS layers)
