# One static library per source folder, one gtest executable per library. Libraries are only
# created when their folder has sources, so a new area can start empty.
#   cbx_folder_library(NAME FOLDER [extra sources...])  -> src/FOLDER/**/*.cpp, public include/ and src/
#   cbx_folder_tests(NAME FOLDER)                       -> tests/FOLDER/*_test.cpp, label "unit"
function(cbx_folder_library name folder)
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/src/${folder}/*.cpp)
  list(FILTER srcs EXCLUDE REGEX ".*/main\\.cpp$")
  if(NOT srcs AND NOT ARGN)  # an area whose first file is still to come
    set(srcs ${CMAKE_CURRENT_BINARY_DIR}/${name}_empty.cpp)
    file(WRITE ${srcs} "// ${folder} has no sources yet\n")
  endif()
  add_library(${name} STATIC ${srcs} ${ARGN})
  target_include_directories(${name} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include
                                            ${CMAKE_CURRENT_SOURCE_DIR}/src)
endfunction()

function(cbx_folder_tests name folder)
  file(GLOB srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/tests/${folder}/*_test.cpp)
  if(NOT srcs OR CBX_FUZZ)
    return()
  endif()
  add_executable(${name}_tests ${srcs})
  target_link_libraries(${name}_tests PRIVATE ${name} GTest::gtest_main GTest::gmock)
  target_compile_definitions(${name}_tests PRIVATE CBX_VECTORS_DIR="${CBX_VECTORS_DIR}"
                             CBX_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
  gtest_discover_tests(${name}_tests DISCOVERY_TIMEOUT 60 PROPERTIES LABELS unit)
  add_dependencies(unit_tests ${name}_tests)
endfunction()

function(cbx_has_sources out folder)
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/src/${folder}/*.cpp)
  list(FILTER srcs EXCLUDE REGEX ".*/main\\.cpp$")
  if(srcs)
    set(${out} TRUE PARENT_SCOPE)
  else()
    set(${out} FALSE PARENT_SCOPE)
  endif()
endfunction()
