set terminal svg size 800,500 dynamic font 'sans,12'
set termoption noenhanced
set output '/work/main/docs/compare/sync-passive_tasks.svg'
set title 'synchronize cycles against passive_tasks (log axes; 0 drawn at 1; median and range over the seeds)'
set xlabel 'passive_tasks'
set ylabel 'synchronize cycles'
set key outside right
set grid
set logscale xy
plot '/work/main/docs/compare/plot-data/sync-passive_tasks-v5.dat' using 1:2:3:4 with yerrorlines title 'v5', '/work/main/docs/compare/plot-data/sync-passive_tasks-v5-pcpucount.dat' using 1:2:3:4 with yerrorlines title 'v5-pcpucount', '/work/main/docs/compare/plot-data/sync-passive_tasks-listphase-nodebug.dat' using 1:2:3:4 with yerrorlines title 'listphase-nodebug', '/work/main/docs/compare/plot-data/sync-passive_tasks-pertask.dat' using 1:2:3:4 with yerrorlines title 'pertask', '/work/main/docs/compare/plot-data/sync-passive_tasks-pertask-bitmap.dat' using 1:2:3:4 with yerrorlines title 'pertask-bitmap', '/work/main/docs/compare/plot-data/sync-passive_tasks-refcount.dat' using 1:2:3:4 with yerrorlines title 'refcount', '/work/main/docs/compare/plot-data/sync-passive_tasks-percpu-ref.dat' using 1:2:3:4 with yerrorlines title 'percpu-ref'
